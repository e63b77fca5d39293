package rlhf.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering of ARCHITECTURE.md as executable rules over the compiled main classes of every module, for what the
 * Maven module graph cannot say itself (trainer-core has no Quarkus, Kafka or gRPC server on its class path; demo/
 * and the cli depend on plain modules only): model/ and the trainer's math are plain Java + DJL without even the wire
 * contract; trainer-core uses the contract's messages but no gRPC; services meet only on the wire; nothing but the
 * command line depends on demo/.
 */
class LayeringTest {

    /** Packages that bring a container, a transport or a wire format: forbidden in the math. */
    private static final String[] FRAMEWORK_AND_TRANSPORT = {
        "io.quarkus..", "jakarta..", "javax.inject..", "io.smallrye..", "org.eclipse.microprofile..", "io.vertx..",
        "io.grpc..", "com.google.protobuf..", "org.apache.kafka..", "io.micrometer..", "rlhf.common.v1..",
        "rlhf.policy.v1..", "rlhf.reward.v1..", "rlhf.feedback.v1..", "rlhf.model.v1..", "rlhf.trainer.v1..",
        "rlhf.ops.v1..", "rlhf.wire.."};

    private static final List<String> SERVICES = List.of("policy-service", "reward-service", "trainer-service",
            "feedback-gateway");

    private static Map<String, JavaClasses> modules;

    @BeforeAll
    static void importModules() {
        Path root = Path.of(System.getProperty("rlhf.repo.root", ".."));
        List<String> names = List.of("model", "embedded-kafka", "trainer-core", "trainer-kafka", "service-common",
                "policy-service", "reward-service", "trainer-service", "feedback-gateway", "demo", "cli");
        modules = names.stream().collect(Collectors.toMap(n -> n, n -> {
            Path classes = root.resolve(n).resolve("target/classes");
            assertThat(classes).as("compiled classes of %s", n).isDirectory();
            return new ClassFileImporter().importPath(classes);
        }));
    }

    @Test
    void modelIsPlainJavaAndDjl() {
        ArchRule rule = noClasses().should().dependOnClassesThat().resideInAnyPackage(FRAMEWORK_AND_TRANSPORT)
                .because("model/ is the shared backbone: plain Java + DJL, testable without a container");
        rule.check(modules.get("model"));
    }

    @Test
    void trainerMathIsPlainJavaAndDjl() {
        ArchRule rule = noClasses().that()
                .resideInAnyPackage("rlhf.trainer.algo..", "rlhf.trainer.ppo..", "rlhf.trainer.eval..")
                .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORK_AND_TRANSPORT)
                .because("every equation of the trainer, the PPO learner and the policy evaluation are tested (and the "
                        + "evaluation run from demo/) without Quarkus, gRPC, Kafka or even the wire contract");
        rule.check(modules.get("trainer-core"));
    }

    @Test
    void trainerCoreSpeaksNoGrpc() {
        // proto/ brings grpc-api and the stubs along with the messages; the jobs may use the messages only.
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.grpc..", "io.quarkus..", "io.vertx..")
                .orShould().dependOnClassesThat().haveSimpleNameEndingWith("Grpc")
                .because("trainer-core is driven by adapters (trainer-service, the cli), never a transport itself")
                .check(modules.get("trainer-core"));
    }

    @Test
    void differentiableCodeNeverHandsDjlAJavaBackedConstant() {
        // DJL's NDArray.mul/div/maximum/minimum(Number) close the constant's Java buffer while autograd still holds
        // it: the backward pass then reads freed memory (random NaN gradients). rlhf.model.Scalars is the safe form.
        // Only the optimizer and clipping (run with autograd off) and inference may use the overloads.
        String nd = "ai.djl.ndarray.NDArray";
        String number = "java.lang.Number";
        ArchRule rule = noClasses().that().resideOutsideOfPackages("rlhf.model.train..", "rlhf.model.generate..")
                .should().callMethod(nd, "mul", number).orShould().callMethod(nd, "div", number)
                .orShould().callMethod(nd, "maximum", number).orShould().callMethod(nd, "minimum", number)
                .because("a constant kept for the backward pass must live in libtorch's memory (rlhf.model.Scalars)");
        for (String module : List.of("model", "trainer-core", "reward-service", "policy-service", "demo")) {
            rule.check(modules.get(module));
        }
    }

    @Test
    void servicesDoNotUseEachOthersCode() {
        for (String service : SERVICES) {
            Set<String> others = SERVICES.stream().filter(s -> !s.equals(service))
                    .flatMap(s -> modules.get(s).stream().map(JavaClass::getName)).collect(Collectors.toSet());
            assertThat(modules.get(service)).as("classes of %s", service).isNotEmpty();
            noClasses().should().dependOnClassesThat(DescribedPredicate.describe("a class of another service",
                            (JavaClass c) -> others.contains(c.getName())))
                    .because("services meet only on the wire (gRPC, Kafka) and in the model store")
                    .check(modules.get(service));
        }
    }

    @Test
    void mainCodeDependsNeitherOnDemoNorOnTheTestBroker() {
        for (String module : List.of("model", "trainer-core", "trainer-kafka", "service-common", "policy-service",
                "reward-service", "trainer-service", "feedback-gateway")) {
            noClasses().should().dependOnClassesThat().resideInAnyPackage("rlhf.demo..", "rlhf.kafka..")
                    .because("the task world and the embedded broker are the outside world and test tooling; only the "
                            + "command line (cli/) brings them in")
                    .allowEmptyShould(true)
                    .check(modules.get(module));
        }
    }

    @Test
    void theMathRuleCatchesAFrameworkImport() {
        // service-common is Quarkus code: the same rule applied to it must fail, or the rule has no teeth.
        ArchRule rule = noClasses().should().dependOnClassesThat().resideInAnyPackage(FRAMEWORK_AND_TRANSPORT);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> rule.check(modules.get("service-common")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("io.quarkus");
    }

    @Test
    void rulesSeeRealClasses() {
        // Guards against vacuous passes: a wrong path would import nothing and every rule would hold.
        assertThat(modules.get("policy-service").contain("rlhf.policy.grpc.PolicyGrpcService")).isTrue();
        assertThat(modules.get("trainer-core").contain("rlhf.trainer.jobs.ppo.PpoJob")).isTrue();
        assertThat(modules.get("cli").contain("rlhf.cli.Rlhf")).isTrue();
        assertThat(Files.isDirectory(Path.of(System.getProperty("rlhf.repo.root", "..")).resolve("proto/target/classes"))).isTrue();
    }
}
