package rlhf.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordTokenizerTest {
    private static final List<String> CORPUS = List.of(
            "What is 23 plus 34?", "What is 12 plus 7?", "What is 9 minus 4?", "Reverse the words: red fox",
            "Reverse the words: fox red owl");

    @Test
    void piecesAreWordsWithTheirLeadingSpaceOrSingleCharacters() {
        assertThat(WordTokenizer.split("What is 23 plus 34?", false)).containsExactly("What", " is", " 23", " plus", " 34", "?");
        assertThat(WordTokenizer.split("Q: I'm  fine.\nA:", false)).containsExactly("Q", ":", " I'm", " ", " fine", ".", "\n",
                "A", ":");
        assertThat(WordTokenizer.split("你好 🙂!", false)).containsExactly("你好", " ", "🙂", "!");
        assertThat(WordTokenizer.split("", false)).isEmpty();
    }

    @Test
    void trainingKeepsFrequentMultiBytePiecesMostFrequentFirstAndCapsTheCount() {
        WordTokenizer t = WordTokenizer.train(CORPUS, 100, 2);
        // counts: "What" 3, " is" 3, " plus" 2, "Reverse" 2, " the" 2, " words" 2, " fox" 2, " red" 2; single chars
        // ("?", ":") are bytes already and pieces seen once are dropped.
        assertThat(t.pieces()).containsExactly(" is", "What", " fox", " plus", " red", " the", " words", "Reverse");
        assertThat(t.vocabSize()).isEqualTo(260 + 8);
        assertThat(WordTokenizer.train(CORPUS, 3, 2).pieces()).containsExactly(" is", "What", " fox");
    }

    @Test
    void knownPiecesBecomeOneIdAndUnknownOnesFallBackToBytes() {
        WordTokenizer t = WordTokenizer.train(CORPUS, 100, 2);
        int what = 260 + t.pieces().indexOf("What");
        int is = 260 + t.pieces().indexOf(" is");
        int plus = 260 + t.pieces().indexOf(" plus");
        assertThat(t.encode("What is 5 plus")).containsExactly(what, is, ' ', '5', plus);
        String text = "What is 23 plus 34? 你好, Reverse 🙂 the words";
        int[] ids = t.encode(text);
        assertThat(ids.length).isLessThan(text.getBytes(StandardCharsets.UTF_8).length);
        assertThat(t.decode(ids)).isEqualTo(text);
    }

    @Test
    void specialTokensComeOnlyFromIdsAndBadIdsAreRejected() {
        WordTokenizer t = WordTokenizer.train(CORPUS, 100, 2);
        assertThat(t.encode("<|endoftext|>")).doesNotContain(ByteTokenizer.END_OF_TEXT);
        assertThat(t.decode(new int[] {260 + t.pieces().indexOf("What"), ByteTokenizer.END_OF_TEXT}))
                .isEqualTo("What<|endoftext|>");
        assertThatThrownBy(() -> t.decode(new int[] {t.vocabSize()})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the vocabulary [0, 268)");
        assertThatThrownBy(() -> new WordTokenizer(List.of("a"))).hasMessageContaining("not a single multi-byte piece");
        assertThatThrownBy(() -> new WordTokenizer(List.of("red fox"))).hasMessageContaining("not a single");
        assertThatThrownBy(() -> new WordTokenizer(List.of("red", "red"))).hasMessageContaining("duplicate");
    }

    @Test
    void chatTemplateEncodesEachTurnOnItsOwnAndParsesBack() {
        WordTokenizer t = WordTokenizer.train(CORPUS, 100, 2);
        List<ChatMessage> chat = List.of(ChatMessage.user("What is 12 plus 7?"), ChatMessage.assistant("19."));
        int[] ids = t.chatTemplate().render(chat, false);
        assertThat(ids[0]).isEqualTo(ByteTokenizer.USER);
        assertThat(t.chatTemplate().parse(ids)).isEqualTo(chat);
        int[] prompt = PromptResponse.promptIds(t, "What is 12 plus 7?");
        int[] response = PromptResponse.responseIds(t, "19.");
        assertThat(prompt).startsWith(ByteTokenizer.USER).endsWith(ByteTokenizer.END_OF_TEXT, ByteTokenizer.ASSISTANT);
        assertThat(PromptResponse.answerText(t, response)).isEqualTo("19.");
    }

    @Test
    void serialisedFormReadsBackWithTheSameIds() {
        WordTokenizer t = WordTokenizer.train(CORPUS, 100, 2);
        TextTokenizer back = Tokenizers.fromJson(t.toJson());
        assertThat(back).isInstanceOf(WordTokenizer.class);
        assertThat(((WordTokenizer) back).pieces()).isEqualTo(t.pieces());
        assertThat(back.encode("What is 23 plus 34?")).isEqualTo(t.encode("What is 23 plus 34?"));
    }

    @Test
    void splitDigitsCutsNumbersIntoDigitsTheFirstCarryingTheSpace() {
        assertThat(WordTokenizer.split("What is 23 plus 4?", true)).containsExactly("What", " is", " 2", "3", " plus",
                " 4", "?");
        assertThat(WordTokenizer.split("a 203b x9", true)).containsExactly("a", " 2", "0", "3", "b", " x", "9");
        WordTokenizer t = WordTokenizer.train(CORPUS, 100, 2, new WordTokenizer.Options(true, false));
        // the space+digit pieces " 2", " 3", " 1", " 7", " 9", " 4" are each seen once: below the minimum count of 2,
        // so they fall back to bytes while the words stay pieces.
        assertThat(t.pieces()).containsExactly(" is", "What", " fox", " plus", " red", " the", " words", "Reverse");
        int plus = 260 + t.pieces().indexOf(" plus");
        assertThat(t.encode("23 plus 34")).containsExactly('2', '3', plus, ' ', '3', '4');
        assertThat(t.decode(t.encode("What is 23 plus 34?"))).isEqualTo("What is 23 plus 34?");
        assertThatThrownBy(() -> new WordTokenizer(List.of(" 23"), t.options())).hasMessageContaining("not a single");
    }

    @Test
    void spaceBeforeTextGivesAWordTheSameIdAtTheStartOfAnAnswerAsInsideAPrompt() {
        WordTokenizer t = WordTokenizer.train(CORPUS, 100, 2, WordTokenizer.Options.DIGITS_AND_LEADING_SPACE);
        // every text counts as " " + text: " What" (3) and " Reverse" (2) replace "What" and "Reverse"
        assertThat(t.pieces()).containsExactly(" What", " is", " Reverse", " fox", " plus", " red", " the", " words");
        int red = 260 + t.pieces().indexOf(" red");
        int fox = 260 + t.pieces().indexOf(" fox");
        int[] prompt = t.encode("Reverse the words: red fox");
        assertThat(prompt).endsWith(red, fox);
        assertThat(t.encode("fox red.")).containsExactly(fox, red, '.');
        assertThat(t.decode(new int[] {fox, red, '.'})).isEqualTo("fox red.");
        assertThat(t.encode("")).isEmpty();
        assertThat(t.decode(new int[0])).isEmpty();
        for (String text : List.of("What is 23 plus 34?", " leading space", "  two", "x", "你好 🙂!", " ")) {
            assertThat(t.decode(t.encode(text))).isEqualTo(text);
        }
        WordTokenizer back = (WordTokenizer) Tokenizers.fromJson(t.toJson());
        assertThat(back.options()).isEqualTo(WordTokenizer.Options.DIGITS_AND_LEADING_SPACE);
        assertThat(back.encode("What is 203 plus 34?")).isEqualTo(t.encode("What is 203 plus 34?"));
        // a tokenizer.json of the first version (no option fields) reads back with the plain cutting
        String old = WordTokenizer.train(CORPUS, 100, 2).toJson().replace(",\"split_digits\":false", "")
                .replace(",\"space_before_text\":false", "");
        assertThat(old).doesNotContain("split_digits");
        assertThat(((WordTokenizer) Tokenizers.fromJson(old)).options()).isEqualTo(WordTokenizer.Options.PLAIN);
    }
}
