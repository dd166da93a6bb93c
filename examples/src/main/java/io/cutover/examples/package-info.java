/**
 * Examples of Cutover in use: {@code demo} (a service cut over under load, verified, with an HTML
 * report) and {@code spring} (a Spring Boot application whose DataSource is a
 * {@link io.cutover.ConnectionSwitcher}).
 */
package io.cutover.examples;
