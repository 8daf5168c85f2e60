package io.squall.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerGridTest {

    @Test
    void tornadoStyleTrailingOnesAreAcceptedForSmallerGrids() {
        WorkerGrid2D grid = new WorkerGrid2D(1024, 512);
        grid.setLocalWork(16, 16, 1);
        assertArrayEquals(new long[] {16, 16}, grid.getLocalWork());
        WorkerGrid1D line = new WorkerGrid1D(4096);
        line.setLocalWork(128, 1, 1);
        assertArrayEquals(new long[] {128}, line.getLocalWork());
        line.setLocalWorkToNull();
        assertNull(line.getLocalWork());
    }

    @Test
    void wrongDimensionsAndNonPositiveSizesAreRejected() {
        WorkerGrid2D grid = new WorkerGrid2D(64, 64);
        IllegalArgumentException extra = assertThrows(IllegalArgumentException.class, () -> grid.setLocalWork(8, 8, 2));
        assertTrue(extra.getMessage().contains("3 dimensions"), extra.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> new WorkerGrid1D(0));
        assertTrue(zero.getMessage().contains("positive"), zero.getMessage());
    }
}
