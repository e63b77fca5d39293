package rlhf.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import rlhf.gateway.service.PiiScrubber.PiiType;

class PiiScrubberTest {

    private final PiiScrubber scrubber = new PiiScrubber("US");

    /** A line of text, what must leave it, and the counts per type. */
    record Fixture(String text, String scrubbed, Map<PiiType, Integer> found) {
    }

    /** The fixture corpus: personal data in the forms people type, and look-alikes that must stay. */
    static final List<Fixture> CORPUS = List.of(
            new Fixture("Mail me at jane.doe+rlhf@example.com please", "Mail me at <EMAIL> please",
                    Map.of(PiiType.EMAIL, 1)),
            new Fixture("two: a@b.io, x_y@sub.example.org.", "two: <EMAIL>, <EMAIL>.", Map.of(PiiType.EMAIL, 2)),
            new Fixture("Call +1 650-253-0000 tomorrow", "Call <PHONE> tomorrow", Map.of(PiiType.PHONE, 1)),
            new Fixture("my number is (650) 253-0000", "my number is <PHONE>", Map.of(PiiType.PHONE, 1)),
            new Fixture("London: +44 20 7946 0958", "London: <PHONE>", Map.of(PiiType.PHONE, 1)),
            new Fixture("from the US dial 011 44 20 7946 0958", "from the US dial <PHONE>", Map.of(PiiType.PHONE, 1)),
            new Fixture("full-width: \uFF16\uFF15\uFF10-\uFF12\uFF15\uFF13-\uFF10\uFF10\uFF10\uFF10",
                    "full-width: <PHONE>", Map.of(PiiType.PHONE, 1)),
            new Fixture("Visa 4111 1111 1111 1111 exp 12/30", "Visa <CARD> exp 12/30", Map.of(PiiType.CARD, 1)),
            new Fixture("card 5500-0000-0000-0004", "card <CARD>", Map.of(PiiType.CARD, 1)),
            new Fixture("amex 378282246310005.", "amex <CARD>.", Map.of(PiiType.CARD, 1)),
            new Fixture("IBAN DE89 3704 0044 0532 0130 00 thanks", "IBAN <IBAN> thanks", Map.of(PiiType.IBAN, 1)),
            new Fixture("pay GB82WEST12345698765432", "pay <IBAN>", Map.of(PiiType.IBAN, 1)),
            new Fixture("all: bob@example.com, +1 650 253 0000, 4111111111111111, FR1420041010050500013M02606",
                    "all: <EMAIL>, <PHONE>, <CARD>, <IBAN>",
                    Map.of(PiiType.EMAIL, 1, PiiType.PHONE, 1, PiiType.CARD, 1, PiiType.IBAN, 1)),
            // look-alikes that stay
            new Fixture("card-like but not Luhn: 4111 1111 1111 1112", "card-like but not Luhn: 4111 1111 1111 1112",
                    Map.of()),
            new Fixture("What is 11 plus 30? A: 41.", "What is 11 plus 30? A: 41.", Map.of()),
            new Fixture("In 1999 there were 365 days and 12 months.", "In 1999 there were 365 days and 12 months.",
                    Map.of()),
            new Fixture("not an IBAN: DE00 1234", "not an IBAN: DE00 1234", Map.of()),
            new Fixture("user@localhost is no address", "user@localhost is no address", Map.of()),
            new Fixture("Name 3 colors.", "Name 3 colors.", Map.of()));

    @Test
    void theMatcherIsSkippedOnlyBelowTheDigitsAValidNumberNeedsWithoutAPlusSign() {
        var phones = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
        // US: national numbers have 10 digits; 011 + the shortest international number (5) = 8.
        assertThat(PiiScrubber.minPhoneDigitsWithoutPlus(phones, "US")).isEqualTo(8);
        assertThat(PiiScrubber.minPhoneDigitsWithoutPlus(phones, "ZZ")).as("unknown region: the general bound")
                .isEqualTo(5);
        // 7 digits without a plus: no valid US number, and none is found; with a plus the matcher runs.
        assertThat(scrubber.scrub("report 1234567 is due").text()).isEqualTo("report 1234567 is due");
        assertThat(scrubber.scrub("Saint Helena: +290 22158").text()).isEqualTo("Saint Helena: <PHONE>");
    }

    @Test
    void theCorpusIsScrubbedAndCounted() {
        for (Fixture f : CORPUS) {
            PiiScrubber.Scrubbed s = scrubber.scrub(f.text());
            assertThat(s.text()).as(f.text()).isEqualTo(f.scrubbed());
            assertThat(s.found()).as(f.text()).isEqualTo(f.found());
        }
    }

    @Test
    void aComparisonIsScrubbedInItsPromptTurnsAndAnswers() {
        var c = Comparisons.validChat("c", "u").setAnswers(1, Comparisons.valid("c", "u").getAnswers(1).toBuilder()
                .setText("write to me@example.com").build()).build();
        c = c.toBuilder().setPrompt(c.getPrompt().toBuilder().setChat(c.getPrompt().getChat().toBuilder()
                .setMessages(1, c.getPrompt().getChat().getMessages(1).toBuilder()
                        .setContent("I am at +1 650 253 0000")))).build();
        PiiScrubber.ScrubbedComparison s = scrubber.scrub(c);
        assertThat(s.comparison().getPrompt().getChat().getMessages(1).getContent()).isEqualTo("I am at <PHONE>");
        assertThat(s.comparison().getAnswers(1).getText()).isEqualTo("write to <EMAIL>");
        assertThat(s.comparison().getAnswers(0)).isEqualTo(c.getAnswers(0));
        assertThat(s.found()).isEqualTo(Map.of(PiiType.PHONE, 1, PiiType.EMAIL, 1));
    }
}
