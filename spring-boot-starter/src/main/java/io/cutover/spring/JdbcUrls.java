package io.cutover.spring;

/** Shows JDBC URLs in messages without what may carry credentials. */
final class JdbcUrls {

    private JdbcUrls() {
    }

    /**
     * Cuts a JDBC URL at its parameters ({@code ?} or {@code ;}) and drops any user info
     * ({@code user:password@}) in its authority.
     *
     * @param url the URL, may be null
     * @return the URL without parameters or user info, or "(not set)"
     */
    static String withoutParameters(String url) {
        if (url == null) {
            return "(not set)";
        }
        int cut = url.length();
        for (char c : new char[] {'?', ';'}) {
            int i = url.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        String base = url.substring(0, cut);
        int at = base.lastIndexOf('@');
        int slashes = base.indexOf("//");
        if (at >= 0 && slashes >= 0 && at > slashes) {
            base = base.substring(0, slashes + 2) + base.substring(at + 1);
        }
        return base;
    }
}
