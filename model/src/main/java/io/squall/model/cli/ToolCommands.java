package io.squall.model.cli;

import picocli.CommandLine;

/** Registers the model tools written as picocli commands by the other model packages (converters, synthetic models). */
final class ToolCommands {
    private ToolCommands() {}

    static void register(CommandLine cl) {
        cl.addSubcommand(new io.squall.model.convert.ConvertLlama2cCommand());
        cl.addSubcommand(new io.squall.model.convert.SyntheticModelCommand());
        cl.addSubcommand(new io.squall.model.tokenizer.convert.ConvertTokenizerCommand());
    }
}
