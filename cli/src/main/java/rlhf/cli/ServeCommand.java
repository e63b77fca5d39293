package rlhf.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import rlhf.demo.LocalRun;
import rlhf.demo.pipeline.Pipeline;

/** {@code rlhf serve}: the stack without the pipeline. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Starts the embedded Kafka broker and the four services on the work folder's model store and "
            + "serves until Ctrl-C; trains nothing.")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    Folders.WorkDir work;
    @Mixin
    DemoCommand.Stack stack;

    @Option(names = "--exit-when-ready", description = "Stop once every service is ready (a smoke test).")
    boolean exitWhenReady;

    @Override
    public Integer call() throws InterruptedException {
        LocalRun.run(stack.repositoryRoot(), work.path, stack.kafkaPort, true, exitWhenReady,
                Pipeline.Settings.DEFAULT);
        return 0;
    }
}
