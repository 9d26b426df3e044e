/**
 * Ids for `patched()`: a change to the commands a workflow issues must still replay the histories of runs that
 * started before it. Once no run from before a patch is open, its id moves to `deprecatePatch` and then goes.
 */
export const PATCHES = {
  /** The admission checks run beside the request's ledger write instead of after it. */
  admissionBesideLedgerWrite: 'admission-beside-ledger-write',
} as const;
