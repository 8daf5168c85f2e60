package io.squall.device.placement;

/** The lines that say why {@link AutoPlacement} decided what it did: the ranking, what auto left out, the decision. */
final class AutoExplanation {
    private AutoExplanation() {}

    static void explain(AutoPlacement.Decision d, StringBuilder why) {
        if (d.ranked().isEmpty()) {
            why.append("  no GPU or accelerator found");
        } else {
            why.append(
                    "  devices, best first (type GPU > accelerator > CPU, then measured bandwidth, then free memory):");
            for (int i = 0; i < d.ranked().size(); i++) {
                AutoPlacement.Ranked r = d.ranked().get(i);
                why.append("\n    ")
                        .append(i + 1)
                        .append(". ")
                        .append(r.device().describe())
                        .append(": ")
                        .append(Bytes.format(r.usable()))
                        .append(" usable, ")
                        .append(r.bandwidth() > 0 ? Bytes.rate(r.bandwidth()) + " measured" : "bandwidth not measured");
            }
        }
        if (!d.ignored().isEmpty()) {
            why.append("\n  not used by auto: ")
                    .append(String.join(", ", d.ignored()))
                    .append(
                            " (CPU-type devices share host memory with the CPU engine; list one under \"devices\" to use it)");
        }
        why.append('\n');
        switch (d.choice()) {
            case AutoPlacement.Choice.Whole w ->
                why.append("  decision: ")
                        .append(w.device().device().id())
                        .append(" holds the whole model (needs ")
                        .append(Bytes.format(w.need()))
                        .append(" of ")
                        .append(Bytes.format(w.device().usable()))
                        .append(" usable)")
                        .append(w.best() ? "" : "; better-ranked devices are too small")
                        .append('\n');
            case AutoPlacement.Choice.CpuOnly c -> why.append("  decision: everything on the CPU engine\n");
            case AutoPlacement.Choice.Split s ->
                why.append("  decision: no single device holds the model (")
                        .append(Bytes.format(s.modelBytes()))
                        .append(" with its KV cache): split in rank order")
                        .append(s.cpuOffload() ? ", the rest on the CPU engine" : "")
                        .append('\n');
        }
        for (AutoPlacement.Note note : d.notes()) {
            switch (note) {
                case AutoPlacement.Note.EmbeddingOnCpu e ->
                    why.append("  the embedding table (")
                            .append(Bytes.format(e.embeddingBytes()))
                            .append(") goes to the CPU engine to leave ")
                            .append(e.device())
                            .append(" room for layers\n");
                case AutoPlacement.Note.TooSmall t ->
                    why.append("  ")
                            .append(t.device())
                            .append(" is too small for a layer (")
                            .append(Bytes.format(t.layerBytes()))
                            .append(" with its KV cache; ")
                            .append(Bytes.format(t.left()))
                            .append(" left)\n");
            }
        }
    }
}
