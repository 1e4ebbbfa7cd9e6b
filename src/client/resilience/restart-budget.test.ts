import { describe, expect, it } from 'vitest';
import { RestartBudget } from './restart-budget.js';

function budgetWithClock(maxRestarts: number, periodMs: number) {
  const clock = { t: 0 };
  return { budget: new RestartBudget(maxRestarts, periodMs, () => clock.t), clock };
}

describe('RestartBudget', () => {
  it('allows maxRestarts within the period, then refuses', () => {
    const { budget, clock } = budgetWithClock(3, 1_000);
    for (let i = 0; i < 3; i++) {
      clock.t = i * 10;
      expect(budget.tryRestart()).toBe(true);
    }
    clock.t = 500;
    expect(budget.tryRestart()).toBe(false);
    expect(budget.tryRestart()).toBe(false);
  });

  it('a refused attempt is not recorded: the window slides from the admitted restarts only', () => {
    const { budget, clock } = budgetWithClock(2, 1_000);
    expect(budget.tryRestart()).toBe(true); // t=0
    clock.t = 600;
    expect(budget.tryRestart()).toBe(true); // t=600
    clock.t = 900;
    expect(budget.tryRestart()).toBe(false);
    // Exactly periodMs after the first restart it still counts (the window is inclusive).
    clock.t = 1_000;
    expect(budget.tryRestart()).toBe(false);
    // Past it, the first restart drops out: one slot frees up.
    clock.t = 1_001;
    expect(budget.tryRestart()).toBe(true); // t=1001
    expect(budget.tryRestart()).toBe(false);
    clock.t = 1_601;
    expect(budget.tryRestart()).toBe(true);
  });

  it('recovers fully after a quiet period', () => {
    const { budget, clock } = budgetWithClock(5, 60_000);
    for (let i = 0; i < 5; i++) expect(budget.tryRestart()).toBe(true);
    expect(budget.tryRestart()).toBe(false);
    clock.t = 60_001;
    for (let i = 0; i < 5; i++) expect(budget.tryRestart()).toBe(true);
    expect(budget.tryRestart()).toBe(false);
  });

  it('defaults to OTP-like 5 restarts a minute on the wall clock', () => {
    const budget = new RestartBudget();
    expect([budget.maxRestarts, budget.periodMs]).toEqual([5, 60_000]);
    for (let i = 0; i < 5; i++) expect(budget.tryRestart()).toBe(true);
    expect(budget.tryRestart()).toBe(false);
  });

  it('with maxRestarts 0 never restarts', () => {
    expect(new RestartBudget(0, 1_000).tryRestart()).toBe(false);
  });
});
