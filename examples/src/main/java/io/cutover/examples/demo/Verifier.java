package io.cutover.examples.demo;

import io.cutover.Side;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Compares a side's table with the service's acknowledged writes, row by row and by checksum.
 * Green rows are expected through the forward transform (with {@code phone}); blue rows as v1.
 * Call it while no writer runs and after the stream into that side has caught up.
 */
final class Verifier {

    private final UsersTable table;

    Verifier(UsersTable table) {
        this.table = table;
    }

    Verification verify(String label, Side side, DataSource ds, UserModel model) throws SQLException {
        boolean v2 = side == Side.GREEN;
        Set<Long> skip = model.uncertain();
        List<User> expected = model.sorted().stream().filter(u -> !skip.contains(u.id())).toList();
        MessageDigest want = sha256();
        for (User u : expected) {
            want.update(line(u.id(), u.name(), u.email(), v2 ? table.phoneThroughMapping(u) : null));
        }
        MessageDigest got = sha256();
        long[] counts = new long[4]; // rows, missing, different, extra
        int[] at = {0};
        table.scan(ds, v2, (id, name, email, phone) -> {
            if (skip.contains(id)) {
                return;
            }
            counts[0]++;
            got.update(line(id, name, email, phone));
            while (at[0] < expected.size() && expected.get(at[0]).id() < id) {
                counts[1]++;
                at[0]++;
            }
            if (at[0] < expected.size() && expected.get(at[0]).id() == id) {
                User u = expected.get(at[0]++);
                String wantPhone = v2 ? table.phoneThroughMapping(u) : null;
                if (!u.name().equals(name) || !u.email().equals(email) || !Objects.equals(wantPhone, phone)) {
                    counts[2]++;
                }
            } else {
                counts[3]++;
            }
        });
        counts[1] += expected.size() - at[0];
        return new Verification(label, side, expected.size(), counts[0], hex(want), hex(got), counts[1], counts[2],
                counts[3], skip.size());
    }

    private static byte[] line(long id, String name, String email, String phone) {
        return (id + "|" + name + "|" + email + "|" + (phone == null ? "" : phone) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static String hex(MessageDigest d) {
        return HexFormat.of().formatHex(d.digest()).substring(0, 16);
    }
}
