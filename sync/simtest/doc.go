// Package simtest holds end-to-end simulations of cloud sync (research
// sync.md §3): real counter databases (app/counter, app/loyalty on SQLite
// files) with real sync clients (sync/client) against one reference
// server (sync/server on its SQLite store) served on loopback behind the
// fault middleware of sync/client/clienttest.
//
// The package is tests only:
//
//   - TestConvergence (row 12): random point operations, sync rounds and
//     faults, then quiesce and check what a point or an owner would see.
//     SP_SIM_SEED replays a run (SP_SIM_TRACE=1 logs every step;
//     SP_SIM_STEPS=n soaks longer); -short runs a smaller one.
//   - TestClientKilledMidPush (row 9): a client process pushing a backlog
//     is SIGKILLed at random moments; the database stays sound and every
//     event reaches the server once. SP_SIM_KILL_SEED replays the choices.
//   - TestServerRestoredFromBackup (row 7): the server goes back to a
//     backup with a new epoch; the points push again what it lacks and
//     pull their streams anew.
//
// Tests named TestNoLockout… keep fixed the token lock-outs the simulation
// found (a lost refresh answer, restored or copied counter databases, a
// restored server).
package simtest
