package rlhf.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.google.protobuf.Descriptors.FileDescriptor;

/** The contract documents itself: every service, RPC, message, enum value and field carries a comment. */
class ContractDocumentationTest {

    private static final Path PROTO_ROOT = Path.of("src/main/proto");

    /** Lines that declare something a reader of the contract needs explained. */
    private static final Pattern DECLARATION = Pattern.compile(
            "^((repeated |optional |map<[^>]+> )?[\\w.]+ \\w+ = \\d+;"   // field
            + "|[A-Z][A-Z_0-9]* = \\d+;"                                   // enum value
            + "|(message|enum|service|rpc|oneof) .*)");

    @Test
    void everyDeclarationHasACommentAbove() throws IOException {
        List<String> undocumented = new ArrayList<>();
        for (Path file : protoFiles()) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (DECLARATION.matcher(line).matches() && (i == 0 || !lines.get(i - 1).strip().startsWith("//"))) {
                    undocumented.add(PROTO_ROOT.relativize(file) + ":" + (i + 1) + " " + line);
                }
            }
        }
        assertThat(undocumented).as("declarations without a comment").isEmpty();
    }

    @Test
    void everyFileIsVersionedUnderRlhfDomainV1() throws IOException {
        assertThat(protoFiles()).hasSizeGreaterThanOrEqualTo(7);
        for (Topic topic : Topic.values()) {
            FileDescriptor file = topic.parse(new byte[0]).getDescriptorForType().getFile();
            assertThat(file.getPackage()).as(topic.topicName()).matches("rlhf\\.[a-z]+\\.v1");
            assertThat(file.getOptions().getJavaPackage()).isEqualTo(file.getPackage());
        }
    }

    private static List<Path> protoFiles() throws IOException {
        try (Stream<Path> files = Files.walk(PROTO_ROOT)) {
            return files.filter(p -> p.toString().endsWith(".proto")).sorted().toList();
        }
    }
}
