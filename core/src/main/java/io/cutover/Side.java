package io.cutover;

/**
 * One of the two databases a cutover moves between. Blue is where the application starts;
 * green is where it goes. After a cutover the roles are simply swapped: a rollback is a cutover
 * from green back to blue.
 */
public enum Side {
    /** The side the application uses before the first cutover. */
    BLUE,
    /** The side the application moves to. */
    GREEN;

    /**
     * Returns the other side.
     *
     * @return {@link #GREEN} for {@link #BLUE} and vice versa
     */
    public Side other() {
        return this == BLUE ? GREEN : BLUE;
    }

    /** Returns the side's name in lower case, as used in messages ("blue", "green"). */
    @Override
    public String toString() {
        return this == BLUE ? "blue" : "green";
    }
}
