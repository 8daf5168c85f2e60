package io.squall.llama;

import io.squall.model.llama.CpuEngine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Continuous batching over a fixed set of sequence slots, on one decode thread. Each round admits waiting
 * generations into free slots (running their prompts), lets every active slot pick its next token, then runs all
 * of those tokens through the model together: on the CPU engine one {@link CpuEngine#forwardBatch} call, so each
 * layer's weights are read once per round whatever the number of sequences. A generation that ends frees its slot
 * for the next one at once; the others carry on.
 */
final class Scheduler implements AutoCloseable {
    private final Slot[] slots;
    private final CpuEngine batchEngine; // lends its buffers to batched steps; null when the engine cannot batch
    private final int maxQueued;
    private final ArrayDeque<Generation> waiting = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Thread thread;
    private volatile boolean closed;

    Scheduler(Slot[] slots, int maxQueued) {
        this.slots = slots;
        this.maxQueued = maxQueued;
        this.batchEngine = slots.length > 1 && slots[0].engine instanceof CpuEngine e ? e : null;
        this.thread = Thread.ofPlatform().name("squall-decode").daemon().unstarted(this::run);
        thread.start();
    }

    /** Queues {@code g}; throws {@link QueueFullException} when no slot is free and {@code maxQueued} generations already wait. */
    void submit(Generation g) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the model is closed");
            }
            if (waiting.size() >= maxQueued + (slots.length - active())) {
                throw new QueueFullException("all " + slots.length + " sequence slots are busy and " + waiting.size()
                        + " requests wait (the queue holds " + maxQueued + ")");
            }
            waiting.add(g);
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Generations waiting for a slot. */
    int queued() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Slots running a generation (read without synchronization: a snapshot for monitoring). */
    int active() {
        int n = 0;
        for (Slot s : slots) {
            n += s.generation != null ? 1 : 0;
        }
        return n;
    }

    private void run() {
        try {
            while (true) {
                List<Generation> admitted = takeWork();
                if (admitted == null) {
                    return;
                }
                for (Generation g : admitted) {
                    Slot slot = freeSlotFor(g.tokens());
                    try {
                        slot.start(g);
                    } catch (RuntimeException | Error e) {
                        slot.fail(e);
                    }
                }
                step();
            }
        } finally {
            failAll(new IllegalStateException("the model was closed"));
        }
    }

    /** Waits until there is something to do; returns the generations to admit now (null when closed). */
    private List<Generation> takeWork() {
        lock.lock();
        try {
            while (!closed && waiting.isEmpty() && active() == 0) {
                work.awaitUninterruptibly();
            }
            if (closed) {
                return null;
            }
            long now = System.nanoTime();
            for (Iterator<Generation> it = waiting.iterator(); it.hasNext(); ) {
                Generation g = it.next();
                if (g.cancelled() || g.pastDeadline(now)) {
                    it.remove();
                    g.finish(new Completion(
                            "",
                            new int[0],
                            g.cancelled() ? FinishReason.CANCELLED : FinishReason.TIMEOUT,
                            List.of(),
                            g.tokens().length,
                            0,
                            0,
                            0));
                }
            }
            List<Generation> admitted = new ArrayList<>();
            int free = slots.length - active();
            while (free-- > 0 && !waiting.isEmpty()) {
                admitted.add(waiting.poll());
            }
            return admitted;
        } finally {
            lock.unlock();
        }
    }

    /** The free slot whose cache shares the longest prefix with {@code prompt} (a chat's next turn finds its own). */
    private Slot freeSlotFor(int[] prompt) {
        Slot best = null;
        int bestPrefix = -1;
        for (Slot s : slots) {
            if (s.generation == null) {
                int p = s.commonPrefix(prompt);
                if (p > bestPrefix) {
                    best = s;
                    bestPrefix = p;
                }
            }
        }
        return best;
    }

    /** One round: every active slot picks a token; those that go on run it, batched where the engine can. */
    private void step() {
        long now = System.nanoTime();
        List<Slot> running = new ArrayList<>();
        for (Slot s : slots) {
            if (s.generation == null) {
                continue;
            }
            try {
                if (s.advance(now)) {
                    running.add(s);
                }
            } catch (RuntimeException | Error e) {
                s.fail(e);
            }
        }
        if (batchEngine == null || running.size() == 1) {
            for (Slot s : running) {
                try {
                    s.forwardAlone();
                } catch (RuntimeException | Error e) {
                    s.fail(e);
                }
            }
            return;
        }
        int capacity = batchEngine.batchCapacity();
        for (int from = 0; from < running.size(); from += capacity) {
            List<Slot> group = running.subList(from, Math.min(running.size(), from + capacity));
            CpuEngine[] engines = new CpuEngine[group.size()];
            int[] tokens = new int[group.size()];
            int[] positions = new int[group.size()];
            for (int i = 0; i < group.size(); i++) {
                engines[i] = (CpuEngine) group.get(i).engine;
                tokens[i] = group.get(i).pendingToken;
                positions[i] = group.get(i).position();
            }
            try {
                float[] logits = batchEngine.forwardBatch(engines, tokens, positions);
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).acceptBatchRow(logits, i);
                }
            } catch (RuntimeException | Error e) {
                for (Slot s : group) {
                    s.fail(e);
                }
            }
        }
    }

    private void failAll(RuntimeException e) {
        lock.lock();
        try {
            closed = true;
            for (Generation g : waiting) {
                g.fail(e);
            }
            waiting.clear();
        } finally {
            lock.unlock();
        }
        for (Slot s : slots) {
            if (s.generation != null) {
                s.fail(e);
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
