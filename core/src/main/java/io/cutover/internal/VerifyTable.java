package io.cutover.internal;

import io.cutover.RowTransform;

/**
 * One table a verifier compares: its names on both sides and the stream's transform of its rows.
 *
 * @param sourceTable the source's name, as the transform's rows name it
 * @param targetTable the target's name
 * @param transform the stream's transform
 */
public record VerifyTable(String sourceTable, String targetTable, RowTransform transform) {
}
