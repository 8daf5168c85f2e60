/**
 * What the API and the runtime share about a plan, below both: a task graph's frozen content ({@link
 * io.squall.plan.GraphSpec}), what an execution measured ({@link io.squall.plan.ExecutionProfile}), and the
 * {@code -Dsquall.*} options ({@link io.squall.plan.RuntimeOptions}). Uses {@code api.enums} only.
 */
package io.squall.plan;
