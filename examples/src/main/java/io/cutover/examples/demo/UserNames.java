package io.cutover.examples.demo;

/** Deterministic names and emails for demo users, so seeding needs no randomness. */
final class UserNames {

    private static final String[] FIRST = {"Ada", "Alan", "Barbara", "Edsger", "Grace", "Ken", "Leslie", "Margaret",
        "Niklaus", "Radia", "Tony", "Frances", "John", "Donald", "Lynn", "Dennis"};
    private static final String[] LAST = {"Lovelace", "Turing", "Liskov", "Dijkstra", "Hopper", "Thompson", "Lamport",
        "Hamilton", "Wirth", "Perlman", "Hoare", "Allen", "Backus", "Knuth", "Conway", "Ritchie"};

    private UserNames() {
    }

    /** The user with this id at this version of its email (0 when first written). */
    static User user(long id, int version) {
        String first = FIRST[(int) (id % FIRST.length)];
        String last = LAST[(int) ((id / FIRST.length) % LAST.length)];
        return new User(id, first + " " + last, email(id, first, version));
    }

    static String email(long id, int version) {
        return email(id, FIRST[(int) (id % FIRST.length)], version);
    }

    private static String email(long id, String first, int version) {
        return first.toLowerCase(java.util.Locale.ROOT) + "." + id + (version == 0 ? "" : "+v" + version) + "@example.com";
    }
}
