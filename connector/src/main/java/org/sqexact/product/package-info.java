/**
 * Products from Exact Online to Squarespace (off by default): shop items become products with one
 * variant, their price and end date kept up to date; unmappable items are reported.
 */
package org.sqexact.product;
