/**
 * Many connections in one process (issue 12): a connection is one Squarespace site with one Exact
 * division, defined by a file in {@code connections/}, started as routes created from route
 * templates with the connection's own beans, and stopped when its file goes. See {@code
 * docs/design/connections.md}.
 */
package org.sqexact.connection;
