package rlhf.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rlhf.model.tokenizer.ByteTokenizer;
import rlhf.model.tokenizer.ChatMessage;
import rlhf.model.tokenizer.PromptResponse;

class DataReadersTest {

    @TempDir
    Path dir;

    private Path file(String name, String... lines) throws IOException {
        return Files.write(dir.resolve(name), List.of(lines));
    }

    @Test
    void corpusDocumentsOfBothFormsBecomeChatFormOrTextEndingWithEndOfText() throws IOException {
        Path f = file("corpus.jsonl",
                "{\"id\":\"corpus-000003\",\"category\":\"closed_qa\",\"prompt\":\"What is 1 plus 2?\",\"answer\":\"3.\"}",
                "",
                "{\"text\":\"hi\"}");
        List<CorpusDocument> docs = CorpusDocument.read(f);
        assertThat(docs).hasSize(2);
        try (ByteTokenizer t = new ByteTokenizer()) {
            int[] qa = docs.get(0).tokens(t);
            int[] prompt = PromptResponse.promptIds(t, "What is 1 plus 2?");
            assertThat(qa).startsWith(prompt).endsWith(PromptResponse.responseIds(t, "3."));
            assertThat(docs.get(1).tokens(t)).containsExactly('h', 'i', ByteTokenizer.END_OF_TEXT);
        }
    }

    @Test
    void demonstrationsSplitTheConversationFromTheAnswer() throws IOException {
        Path f = file("sft.jsonl", "{\"id\":\"sft-00000\",\"user_id\":\"user-00001\",\"split\":\"validation\","
                + "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Name 2 colors.\"},"
                + "{\"role\":\"assistant\",\"content\":\"black, gold.\"}]}");
        Demonstration d = Demonstration.read(f).get(0);
        assertThat(d.split()).isEqualTo(Split.VALIDATION);
        assertThat(d.conversation()).containsExactly(ChatMessage.system("Be brief."), ChatMessage.user("Name 2 colors."));
        assertThat(d.answer()).isEqualTo("black, gold.");
    }

    @Test
    void comparisonsKeepTiersTiesAndLikert() throws IOException {
        Path f = file("cmp.jsonl", "{\"id\":\"c1\",\"user_id\":\"u\",\"split\":\"test\",\"prompt\":\"Hi there!\","
                + "\"answers\":[{\"text\":\"a\",\"likert\":7,\"labels\":[]},{\"text\":\"b\",\"likert\":1,\"labels\":[]},"
                + "{\"text\":\"c\",\"likert\":5,\"labels\":[\"verbose\"]},{\"text\":\"d\",\"likert\":5,\"labels\":[]}],"
                + "\"ranking\":[[0],[2,3],[1]],\"labeler_id\":\"l\",\"source\":\"sft\"}");
        RankedComparison c = RankedComparison.read(f).get(0);
        assertThat(c.split()).isEqualTo(Split.TEST);
        assertThat(c.prompt()).containsExactly(ChatMessage.user("Hi there!"));
        assertThat(c.likert()).containsExactly(7, 1, 5, 5);
        assertThat(c.tierOfAnswer()).containsExactly(0, 2, 1, 1);
        assertThat(c.pairs()).hasSize(5); // 0>2, 0>3, 0>1, 2>1, 3>1; the tie 2=3 makes no pair
    }

    @Test
    void aRecordWithoutSplitTakesTheContractsSplitOfItsUser() throws IOException {
        Path f = file("prompts.jsonl", "{\"id\":\"p\",\"user_id\":\"user-00123\",\"prompt\":\"Hi there!\"}");
        assertThat(PromptRecord.read(f).get(0).split()).isEqualTo(Split.ofUser("user-00123"));
    }

    @Test
    void malformedLinesAreReportedWithFileAndLine() throws IOException {
        Path f = file("bad.jsonl", "{\"text\":\"ok\"}", "{\"text\": oops");
        assertThatThrownBy(() -> CorpusDocument.read(f)).isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(f + ":2: not valid JSON")
                .satisfies(e -> assertThat(((DataFormatException) e).line()).isEqualTo(2));
    }

    @Test
    void fieldErrorsNameTheFieldAndTheLine() throws IOException {
        Path missing = file("m.jsonl", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThatThrownBy(() -> Demonstration.read(missing)).hasMessageStartingWith(missing + ":1:")
                .hasMessageContaining("last message must be the assistant's answer");
        Path badRanking = file("r.jsonl", "", "{\"prompt\":\"p\",\"answers\":[\"a\",\"b\"],\"ranking\":[[0],[5]]}");
        assertThatThrownBy(() -> RankedComparison.read(badRanking)).hasMessageStartingWith(badRanking + ":2:")
                .hasMessageContaining("answer index 5");
        Path allTied = file("t.jsonl", "{\"prompt\":\"p\",\"answers\":[\"a\",\"b\"],\"ranking\":[[0,1]]}");
        assertThatThrownBy(() -> RankedComparison.read(allTied)).hasMessageContaining(":1:")
                .hasMessageContaining("no preference");
        Path badRole = file("b.jsonl", "{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}],\"answer\":\"y\"}");
        assertThatThrownBy(() -> Demonstration.read(badRole)).hasMessageContaining("messages[0].role");
    }

    @Test
    void aDatasetReferenceCarriesTheFilesDigestAndRecordCount() throws IOException {
        Path f = file("x.jsonl", "{\"text\":\"a\"}");
        DatasetRef ref = JsonlFile.reference(f, 1);
        assertThat(ref.sha256()).isEqualTo(JsonlFile.sha256(f)).hasSize(64);
        assertThat(ref.uri()).startsWith("file:/").endsWith("x.jsonl");
        assertThat(ref.lineageEntry()).contains("records=1", "sha256=" + ref.sha256());
    }
}
