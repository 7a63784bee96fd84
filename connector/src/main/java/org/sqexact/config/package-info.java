/**
 * Settings and wiring: reads every setting through Camel's property placeholders ({@code
 * application.properties}, environment variables, {@code -D}) and the settings file under {@code
 * mappings/}, stops start-up with one line naming a missing or malformed setting ({@link
 * org.sqexact.config.SettingsException}), and binds the beans the YAML routes use in Camel's
 * registry, one configuration class per area, and on PostgreSQL the clustered Quartz schedule
 * ({@link org.sqexact.config.ClusterSchedule}: one node per firing, failover). Also owns the demo's
 * switch ({@code connector.demo}) and the {@link org.sqexact.config.DemoBackend} interface the
 * sandbox module implements; the connector never depends on that module at compile time.
 */
package org.sqexact.config;
