#!/usr/bin/env python3
"""Does the fuzzer find the bugs it exists to find? Plants each bug below in the lending pallet,
one at a time, runs a short campaign, and puts the code back.

Each mutant undoes one rule of SPEC sections 10-11 (the attack or invariant it names): a campaign
that ends with "0 failures" let it through. Prints, per mutant, the action at which the campaign
stopped, the message, and how short the shrunk list of actions is; exits non-zero when a mutant
survives or no longer applies (the code it patches moved: update its pattern).

Usage (from scripts/fuzz.sh --mutants): fuzz-mutants.py -- <the fuzz test command>
FUZZ_STEPS sets the campaign length (20,000 actions unless set); FUZZ_MUTANTS (names, comma
separated) picks some mutants only.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "pallets" / "nft-lending" / "src"

# (name, what it breaks, file under SRC, text, replacement)
MUTANTS = [
    ("gain-unlocked", "A7: a sale's gain is not locked",
     "pools.rs", "if gain.is_zero() || period.is_zero() {", "if true {"),
    ("borrow-rounds-down", "invariant 6: a borrow's debt rounds down",
     "loans.rs",
     "let added = interest::scaled_from_amount(amount, pool.ledger.borrow_index, Rounding::Up)",
     "let added = interest::scaled_from_amount(amount, pool.ledger.borrow_index, Rounding::Down)"),
    ("repay-rounds-up", "invariant 6: a repayment erases more than it pays",
     "loans.rs",
     "paid,\n\t\t\t\t\t\tpool.ledger.borrow_index,\n\t\t\t\t\t\tRounding::Down,",
     "paid,\n\t\t\t\t\t\tpool.ledger.borrow_index,\n\t\t\t\t\t\tRounding::Up,"),
    ("provisions-ignored", "A8: provisions do not lower lenders' value",
     "types.rs", ".saturating_sub(self.reserve.max(self.provisions))",
     ".saturating_sub(self.reserve)"),
    ("no-utilization-window", "A5: a borrow is measured at the utilization right after it only",
     "types.rs", "Some(after.max(averaged))", "{ let _ = averaged; Some(after) }"),
    ("deposits-lend-at-once", "A5/A6: a deposit in a batch lowers the borrow's utilization",
     "types.rs", "self.cash.saturating_sub(self.fresh_deposits)", "self.cash"),
    ("flag-ignored", "A1/A2: a price that is catching up (flagged) still lends",
     "valuation.rs", "frame_support::ensure!(!price.flagged, Error::<T>::PriceFlagged);", ""),
    ("fixed-book-leak", "invariant 3: closing a fixed loan leaves its carried interest booked",
     "loans.rs",
     "ledger.fixed_booked.saturating_sub(principal.saturating_add(unpaid_interest));",
     "ledger.fixed_booked.saturating_sub(principal);"),
    ("walk-step-free", "hooks: the step that ends a price-fall walk is not charged",
     "sweep.rs", "WalkStep::EndOfCollection => continue,",
     "WalkStep::EndOfCollection => {\n\t\t\t\t\tstats.walked -= 1;\n\t\t\t\t\tcontinue\n\t\t\t\t}"),
]

# (The test harness prints the test's name on the same line, before the campaign's first line.)
FAILED = re.compile(r"fuzz: seed \S+: action (\d+) failed: (.*)$", re.M)
SHRUNK = re.compile(r"the shortest failing list \((\d+) actions\)")
PASSED = re.compile(r"fuzz: seed .* 0 failures$", re.M)


def run(name, path, text, replacement, command, backups):
    original = path.read_text()
    if original.count(text) != 1:
        return "no longer applies", f"its text is found {original.count(text)} times in {path.name}"
    backup = backups / path.name
    shutil.copy(path, backup)
    try:
        path.write_text(original.replace(text, replacement))
        out = subprocess.run(command, capture_output=True, text=True)
    finally:
        shutil.copy(backup, path)
    output = out.stdout + out.stderr
    failed, shrunk = FAILED.search(output), SHRUNK.search(output)
    if failed:
        size = f", shrunk to {shrunk.group(1)} actions" if shrunk else ""
        return "found", f"at action {failed.group(1)}{size}: {failed.group(2)[:160]}"
    if PASSED.search(output):
        return "SURVIVED", "the campaign ended with 0 failures"
    log = backups.parent / f"fuzz-mutant-{name}.log"
    log.write_text(output)
    return "no result", f"the command did not run the campaign (its output: {log})"


def main():
    # A stopped run still puts the code back (the `finally` in `run`).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    if "--" not in sys.argv:
        sys.exit(__doc__)
    command = sys.argv[sys.argv.index("--") + 1:]
    os.environ.setdefault("FUZZ_STEPS", "20000")
    print(f"{len(MUTANTS)} mutants, a campaign of {os.environ['FUZZ_STEPS']} actions each")
    chosen = os.environ.get("FUZZ_MUTANTS")
    mutants = [m for m in MUTANTS if not chosen or m[0] in chosen.split(",")]
    results = []
    with tempfile.TemporaryDirectory(prefix="fuzz-mutants.") as backups:
        for name, breaks, file, text, replacement in mutants:
            print(f"==> {name} ({breaks})", flush=True)
            verdict, detail = run(name, SRC / file, text, replacement, command, Path(backups))
            print(f"    {verdict}: {detail}", flush=True)
            results.append((name, verdict))
    found = sum(1 for _, verdict in results if verdict == "found")
    print(f"mutants: {found} found, {len(results) - found} not found, of {len(results)}")
    sys.exit(0 if found == len(results) else 1)


if __name__ == "__main__":
    main()
