-- Who holds an order while it is handled: every change of an order's state is one conditional
-- UPDATE (or an INSERT that the primary key makes unique), so of two callers that act on one order
-- at once, exactly one wins; the other sees the state the winner left. claim_owner names the
-- process ("instance") and the attempt that holds an IN_PROGRESS row, so a graceful stop releases
-- only its own rows and a start finds the rows an earlier process left behind.
ALTER TABLE order_ledger ADD COLUMN claim_owner VARCHAR(100);
