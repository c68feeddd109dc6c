/**
 * The run's spending guard. Committed credits = the planned cost of every submission in flight (reserved
 * before its POST) + what the API reported charging (cost_credits) for accepted jobs. A submission is
 * refused when committing it could cross the limit (the smaller of the plan's total and the manifest's
 * budget). Reserving is synchronous, so submissions racing each other see each other's reservations.
 *
 * "Could": once the API has charged more than planned for some job, later estimates are scaled by the
 * highest such ratio seen, since the plan's prices have proven low.
 */
export interface Reservation {
  /** The POST created a job; `charged` is the API's cost_credits when it said (else the planned cost). */
  accepted(charged?: number): void;
  /** The POST created nothing (429, 400, 412, provably absent): the reservation goes back. */
  released(): void;
}

export type ReserveResult = { ok: true; reservation: Reservation } | { ok: false; limit: number; committed: number; estimate: number };

export class BudgetGuard {
  private reserved = 0;
  private charged = 0;
  private ratio = 1;
  /** True once a submission was refused. */
  refused = false;

  constructor(private readonly limit: number) {}

  get committed(): number {
    return this.reserved + this.charged;
  }

  /** Credits the API reported (or, without a report, the planned cost of) accepted jobs. */
  get spent(): number {
    return this.charged;
  }

  reserve(planned: number): ReserveResult {
    const estimate = Math.ceil(planned * this.ratio);
    if (this.committed + estimate > this.limit) {
      this.refused = true;
      return { ok: false, limit: this.limit, committed: this.committed, estimate };
    }
    this.reserved += estimate;
    let open = true;
    const close = (): boolean => {
      if (!open) return false;
      open = false;
      this.reserved -= estimate;
      return true;
    };
    return {
      ok: true,
      reservation: {
        accepted: (charged) => {
          if (!close()) return;
          const actual = charged ?? planned;
          this.charged += actual;
          if (planned > 0 && actual > planned) this.ratio = Math.max(this.ratio, actual / planned);
        },
        released: () => void close(),
      },
    };
  }
}
