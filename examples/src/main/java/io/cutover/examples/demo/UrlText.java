package io.cutover.examples.demo;

/**
 * Shows a JDBC URL in output without anything that could be a secret: the query string (where
 * {@code password=} would go) and any {@code user:password@} part are cut off.
 */
final class UrlText {

    private UrlText() {
    }

    /**
     * Returns the URL up to its query string, with any user info removed.
     *
     * @param jdbcUrl a JDBC URL, possibly null
     * @return a printable form
     */
    static String withoutSecrets(String jdbcUrl) {
        if (jdbcUrl == null) {
            return "(none)";
        }
        String s = jdbcUrl;
        int q = s.indexOf('?');
        if (q >= 0) {
            s = s.substring(0, q);
        }
        int scheme = s.indexOf("//");
        int at = s.indexOf('@');
        if (scheme >= 0 && at > scheme) {
            s = s.substring(0, scheme + 2) + s.substring(at + 1);
        }
        return s;
    }
}
