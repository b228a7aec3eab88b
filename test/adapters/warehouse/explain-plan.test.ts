/**
 * Reading the planner's estimate out of EXPLAIN (FORMAT JSON): the cost the guard's ceiling judges
 * is the highest cost of any plan node, so a Limit cannot hide the work under it.
 */
import { describe, expect, it } from 'vitest';
import { QueryFailedError } from '../../../functions/core/errors.ts';
import { readPlanEstimate } from '../../../functions/adapters/warehouse/explain-plan.ts';

/** A plan as EXPLAIN (FORMAT JSON) writes it: a Limit over a nested loop it expects to stop early. */
const LIMITED_CROSS_PRODUCT = [
  {
    Plan: {
      'Node Type': 'Limit',
      'Total Cost': 7.54,
      'Plan Rows': 100,
      Plans: [
        {
          'Node Type': 'Nested Loop',
          'Parent Relationship': 'Outer',
          'Total Cost': 7_000_000.5,
          'Plan Rows': 133_333_333,
          Plans: [
            { 'Node Type': 'Seq Scan', 'Parent Relationship': 'Outer', 'Total Cost': 347, 'Plan Rows': 20_000 },
            { 'Node Type': 'Materialize', 'Parent Relationship': 'Inner', 'Total Cost': 447, 'Plan Rows': 20_000 },
          ],
        },
      ],
    },
  },
];

describe('readPlanEstimate', () => {
  it('takes the highest cost of any node, not the Limit’s share of it', () => {
    // Act
    const estimate = readPlanEstimate(JSON.stringify(LIMITED_CROSS_PRODUCT));
    // Assess: the nested loop's cost of running to completion; the top node's rows.
    expect(estimate).toEqual({ totalCost: 7_000_000.5, planRows: 100 });
  });

  it('reads a cost hidden in an InitPlan (a scalar subquery with its own LIMIT)', () => {
    // Prepare
    const plan = [
      {
        Plan: {
          'Node Type': 'Result',
          'Total Cost': 3.1,
          'Plan Rows': 1,
          Plans: [{ 'Node Type': 'Limit', 'Parent Relationship': 'InitPlan', 'Total Cost': 3.1, 'Plan Rows': 1, Plans: [{ 'Node Type': 'Nested Loop', 'Total Cost': 9e6, 'Plan Rows': 1e8 }] }],
        },
      },
    ];
    // Act / Assess
    expect(readPlanEstimate(plan).totalCost).toBe(9e6);
  });

  it('keeps the top node’s cost when it is the highest, as for any plan without a Limit', () => {
    const plan = [{ Plan: { 'Node Type': 'Aggregate', 'Total Cost': 500, 'Plan Rows': 1, Plans: [{ 'Node Type': 'Seq Scan', 'Total Cost': 400, 'Plan Rows': 20_000 }] } }];
    expect(readPlanEstimate(plan)).toEqual({ totalCost: 500, planRows: 1 });
  });

  it('refuses a plan without a cost, so a missing estimate never reads as cheap', () => {
    expect(() => readPlanEstimate([{ Plan: { 'Node Type': 'Result' } }])).toThrow(QueryFailedError);
    expect(() => readPlanEstimate('not json')).toThrow(QueryFailedError);
  });
});
