/**
 * The connector's entry point: {@link org.sqexact.ConnectorApplication} starts Camel Main with the
 * YAML routes under {@code routes/} and the configuration classes of {@link org.sqexact.config},
 * and runs the command-line dry run.
 */
package org.sqexact;
