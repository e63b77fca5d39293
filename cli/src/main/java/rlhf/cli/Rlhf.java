package rlhf.cli;

import java.io.PrintWriter;
import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;
import rlhf.trainer.jobs.InvalidParameterException;

/**
 * The one command line of the project: task-world data, the four training jobs, labeler comparisons, evaluation,
 * imports and the local run, each a subcommand with {@code --help}. Exit codes: 0 done, 1 the work failed, 2 the
 * command line was wrong (the usage is printed).
 */
@Command(name = "rlhf", mixinStandardHelpOptions = true, version = "rlhf 0.1.0",
        description = "RLHF on the JVM: the InstructGPT stages as commands, and the local run of the whole system.",
        subcommands = {DataCommand.class, TrainCommand.class, CompareCommand.class, EvaluateCommand.class,
            EvaluateVersionsCommand.class, GoldPpoCommand.class, ImportCommand.class, SnapshotCommand.class,
            DemoCommand.class, ServeCommand.class, SoakCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the work failed (the message says why)", "2:bad command line (usage printed)"},
        footer = {"", "Run 'rlhf COMMAND --help' for a command's options."})
public final class Rlhf implements Runnable {

    /** The work failed: a job, a file, a service. */
    static final int FAILED = 1;
    /** The command line was wrong. */
    static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a command");
    }

    public static void main(String[] args) {
        DjlDefaults.apply();
        System.exit(commandLine().execute(args));
    }

    /** The command tree: annotated commands plus the training jobs, whose options come from their parameters. */
    public static CommandLine commandLine() {
        CommandLine line = new CommandLine(new Rlhf());
        TrainCommand.addJobs(line.getSubcommands().get("train"));
        line.setExecutionExceptionHandler(Rlhf::failed);
        return line;
    }

    /** A job's parameter error is the caller's (2, with usage); anything else failed the work (1), said in one line. */
    private static int failed(Exception e, CommandLine line, CommandLine.ParseResult parsed) {
        PrintWriter err = line.getErr();
        if (e instanceof InvalidParameterException) {
            err.println(line.getColorScheme().errorText(e.getMessage()));
            line.usage(err);
            return USAGE;
        }
        err.println(line.getColorScheme().errorText(line.getCommandName() + " failed: " + message(e)));
        return FAILED;
    }

    private static String message(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return e.getCause() != null && e.getCause() != e && e.getCause().getMessage() != null
                && !message.contains(e.getCause().getMessage()) ? message + ": " + e.getCause().getMessage() : message;
    }

    /** DJL offline, untracked, one libtorch thread, unless the launcher said otherwise; set before DJL starts. */
    static final class DjlDefaults {
        private DjlDefaults() {
        }

        static void apply() {
            Map.of("ai.djl.offline", "true", "OPT_OUT_TRACKING", "true", "ai.djl.pytorch.num_threads", "1",
                    "ai.djl.pytorch.num_interop_threads", "1").forEach((key, value) -> {
                        if (System.getProperty(key) == null) {
                            System.setProperty(key, value);
                        }
                    });
        }
    }
}
