package io.cutover.internal;

import io.cutover.Side;
import io.cutover.WritePauser;
import javax.sql.DataSource;

/** Placeholder until the switcher lands. */
public abstract class LeasingConnectionSwitcher implements io.cutover.ConnectionSwitcher {
    public LeasingConnectionSwitcher(DataSource blue, DataSource green, WritePauser p, Side s) {
    }
}
