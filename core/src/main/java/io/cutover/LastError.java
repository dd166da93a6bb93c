package io.cutover;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last error a stream or a cutover met, for status pages and logs: its type, its message with
 * secrets taken out, and when it happened.
 *
 * <p>The message never holds a password nor a JDBC URL's credentials: {@link #of(Throwable, Instant)}
 * and the constructor remove {@code password=...}-style settings, the user information of
 * {@code scheme://user:secret@host} addresses and the parameters of JDBC URLs.
 *
 * @param type the simple name of the error's class, e.g. {@code CatchUpTimeoutException}
 * @param message what went wrong, redacted; empty if the error had no message
 * @param at when it happened (or, for a stream that does not record the time, when it was first seen)
 */
public record LastError(String type, String message, Instant at) {

    private static final Pattern SECRET_SETTING = Pattern.compile(
            "(?i)\\b(password|passwd|pwd|secret|token|credentials?)(\\s*[=:]\\s*)(\"[^\"]*\"|'[^']*'|[^\\s&;,)\\]}]+)");
    private static final Pattern JDBC_URL = Pattern.compile("jdbc:[^\\s\"'<>]+");
    private static final Pattern USER_INFO = Pattern.compile("(//)[^/@\\s]*@");

    /**
     * Validates and redacts.
     *
     * @param type see the record component
     * @param message see the record component; redacted here
     * @param at see the record component
     * @throws NullPointerException if a component is null
     */
    public LastError {
        Objects.requireNonNull(type, "type");
        message = redact(Objects.requireNonNull(message, "message"));
        Objects.requireNonNull(at, "at");
    }

    /**
     * Describes an error that happened at a given time.
     *
     * @param error the error
     * @param at when it happened
     * @return its description, redacted
     * @throws NullPointerException if either is null
     */
    public static LastError of(Throwable error, Instant at) {
        Objects.requireNonNull(error, "error");
        String message = error.getMessage();
        return new LastError(error.getClass().getSimpleName(), message == null ? "" : message, at);
    }

    /**
     * Removes secrets from a text: the values of password-like settings, the user information of
     * URLs, and everything after the host and database of JDBC URLs (their parameters may carry a
     * password).
     *
     * @param text any text, e.g. an exception's message
     * @return the text without secrets
     * @throws NullPointerException if text is null
     */
    public static String redact(String text) {
        String s = SECRET_SETTING.matcher(text).replaceAll("$1$2***");
        Matcher m = JDBC_URL.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String url = m.group();
            int params = indexOfAny(url, "?;&");
            if (params >= 0) {
                url = url.substring(0, params) + "?***";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(url));
        }
        m.appendTail(out);
        return USER_INFO.matcher(out).replaceAll("$1***@");
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return type + " at " + at + ": " + message;
    }
}
