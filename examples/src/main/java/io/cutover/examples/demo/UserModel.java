package io.cutover.examples.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the service believes is in the table: the last acknowledged write of every user. A write
 * enters the model only after its commit returned, so a database that matches the model holds
 * every acknowledged write. Each writer owns its own ids, so per id the model's order is the
 * commit order. Thread-safe.
 */
final class UserModel {

    private final Map<Long, User> users = new ConcurrentHashMap<>();
    private final Set<Long> uncertain = ConcurrentHashMap.newKeySet();

    void put(User user) {
        users.put(user.id(), user);
    }

    void remove(long id) {
        users.remove(id);
    }

    /** A commit whose outcome is unknown (it threw): the id is left out of the comparison. */
    void markUncertain(long id) {
        uncertain.add(id);
    }

    Set<Long> uncertain() {
        return Set.copyOf(uncertain);
    }

    int size() {
        return users.size();
    }

    /** A copy sorted by id; call it while no writer runs. */
    List<User> sorted() {
        List<User> all = new ArrayList<>(users.values());
        all.sort(Comparator.comparingLong(User::id));
        return all;
    }

    /** The users with ids owned by a writer: {@code id % writers == index}. */
    List<Long> idsOwnedBy(int index, int writers) {
        Collection<User> all = users.values();
        List<Long> ids = new ArrayList<>();
        for (User u : all) {
            if (u.id() % writers == index) {
                ids.add(u.id());
            }
        }
        return ids;
    }

    long maxId() {
        return users.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** Adds every user and uncertain id of another model (whose ids do not overlap this one's). */
    void addAll(UserModel other) {
        users.putAll(other.users);
        uncertain.addAll(other.uncertain);
    }

    /**
     * Writes the model to a file, one line per user ({@code U id<TAB>name<TAB>email}) and per
     * uncertain id ({@code X id}); call it while no writer runs. Another process reads it back
     * with {@link #readFrom}.
     */
    void writeTo(Path file) throws IOException {
        List<String> lines = new ArrayList<>(users.size() + uncertain.size());
        for (User u : sorted()) {
            lines.add("U\t" + u.id() + "\t" + u.name() + "\t" + u.email());
        }
        for (Long id : uncertain) {
            lines.add("X\t" + id);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a model {@link #writeTo} wrote. */
    static UserModel readFrom(Path file) throws IOException {
        UserModel m = new UserModel();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (f.length == 4 && "U".equals(f[0])) {
                m.put(new User(Long.parseLong(f[1]), f[2], f[3]));
            } else if (f.length == 2 && "X".equals(f[0])) {
                m.markUncertain(Long.parseLong(f[1]));
            } else {
                throw new IOException(file + ": not a user model line: '" + line + "'");
            }
        }
        return m;
    }
}
