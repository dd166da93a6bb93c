package io.cutover.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoOffsetTimestampsTest {

    @Test
    void parse_givesWhatOffsetDateTimeParseGives() {
        List<String> samples = List.of("2024-01-02T01:04:05Z", "2024-01-02T01:04:05.6Z", "2024-01-02T01:04:05.678901Z",
                "2024-01-02T01:04:05.123456789Z", "1970-01-01T00:00:00Z", "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999Z", "2024-02-29T12:00:00+05:30", "2024-02-29T12:00:00-08:00",
                "2024-02-29T12:00:00.5-00:30", "2024-02-29T12:00:00+18:00", "2024-02-29T12:00:00-00:00",
                // not the plain form: the fallback parses these
                "2024-01-02T01:04Z", "2024-01-02T01:04:05z", "2024-01-02T01:04:05+05:30:15", "2024-01-02T01:04:05.Z", "+10000-01-01T00:00:00Z");
        for (String s : samples) {
            assertThat(IsoOffsetTimestamps.parse(s)).as(s).isEqualTo(OffsetDateTime.parse(s));
        }
    }

    @Test
    void parse_agreesWithOffsetDateTimeParseOnRandomInstants() {
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 10_000; i++) {
            OffsetDateTime t = OffsetDateTime.of(1 + r.nextInt(9999), 1 + r.nextInt(12), 1 + r.nextInt(28), r.nextInt(24),
                    r.nextInt(60), r.nextInt(60), r.nextInt(1_000_000_000) / (int) Math.pow(10, r.nextInt(10)),
                    ZoneOffset.ofTotalSeconds(60 * (r.nextInt(2 * 18 * 60 + 1) - 18 * 60)));
            String s = t.toString();
            assertThat(IsoOffsetTimestamps.parse(s)).as(s).isEqualTo(OffsetDateTime.parse(s));
        }
    }

    @Test
    void parse_rejectsWhatOffsetDateTimeParseRejects() {
        for (String s : List.of("2024-02-30T00:00:00Z", "2024-01-02T24:00:00Z",
                "2024-01-02T01:04:05.1234567890Z", "2024-01-02T01:04:05", "2024-01-02T01:04:05+19:00",
                "2024-01-02 01:04:05Z", "2024-01-02T01:04:05Zjunk", "x")) {
            assertThatThrownBy(() -> IsoOffsetTimestamps.parse(s)).as(s).isInstanceOf(DateTimeParseException.class);
        }
    }
}
