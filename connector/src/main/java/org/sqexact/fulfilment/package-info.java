/**
 * Order status from Exact Online to Squarespace: deliveries in Exact mark the shop's order
 * fulfilled once (carrier, tracking number), recorded in the fulfilment ledger.
 */
package org.sqexact.fulfilment;
