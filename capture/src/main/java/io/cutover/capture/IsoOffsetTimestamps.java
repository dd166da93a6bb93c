package io.cutover.capture;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Parses the ISO-8601 timestamps Debezium sends for {@code io.debezium.time.ZonedTimestamp}
 * ({@code 2024-01-02T01:04:05.678901Z}, {@code ...+05:30}) without {@code DateTimeFormatter}:
 * {@link OffsetDateTime#parse} was a sixth of the apply thread's time in a backlog drain. Anything
 * outside the plain form (a year past 9999, an offset with seconds, ...) goes to
 * {@code OffsetDateTime.parse}, so the result is always what that would give. Stateless.
 */
final class IsoOffsetTimestamps {

    private IsoOffsetTimestamps() {
    }

    /**
     * Parses one timestamp.
     *
     * @param text an ISO-8601 date-time with an offset
     * @return the timestamp
     * @throws java.time.format.DateTimeParseException if the text is not an ISO offset date-time
     */
    static OffsetDateTime parse(String text) {
        OffsetDateTime fast = tryParse(text);
        return fast != null ? fast : OffsetDateTime.parse(text);
    }

    // yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|+HH:MM|-HH:MM); null for anything else.
    private static OffsetDateTime tryParse(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && isDigit(s.charAt(i))) {
                nanos = nanos * 10 + (s.charAt(i) - '0');
                i++;
            }
            int count = i - start;
            if (count == 0 || (i < n && isDigit(s.charAt(i)))) {
                return null;
            }
            for (int k = count; k < 9; k++) {
                nanos *= 10;
            }
        }
        ZoneOffset offset;
        if (i == n - 1 && s.charAt(i) == 'Z') {
            offset = ZoneOffset.UTC;
        } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if ((oh | om) < 0) {
                return null;
            }
            try {
                offset = s.charAt(i) == '+' ? ZoneOffset.ofHoursMinutes(oh, om) : ZoneOffset.ofHoursMinutes(-oh, -om);
            } catch (DateTimeException e) {
                return null;
            }
        } else {
            return null;
        }
        try {
            return OffsetDateTime.of(year, month, day, hour, minute, second, nanos, offset);
        } catch (DateTimeException e) {
            // Out of range (Feb 30, hour 24, ...): let the full parser report it as it would.
            return null;
        }
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
