package io.cutover.examples.demo;

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
}
