package rlhf.gateway.service;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.validator.routines.CreditCardValidator;
import org.apache.commons.validator.routines.EmailValidator;
import org.apache.commons.validator.routines.IBANValidator;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import rlhf.common.v1.ChatMessage;
import rlhf.common.v1.Conversation;
import rlhf.common.v1.Prompt;
import rlhf.feedback.v1.Comparison;

/**
 * Replaces personal data in free text with typed placeholders before any byte reaches Kafka: IBANs and Luhn-valid card
 * numbers (commons-validator), e-mail addresses (commons-validator), phone numbers (libphonenumber's matcher, valid
 * numbers only). A card-like number that fails the Luhn check is not a card and stays, as do numbers that are not valid
 * phone numbers (arithmetic, years, counts). Bank and card numbers go first, so their digits are not read as phones.
 */
public final class PiiScrubber {

    /** What was found, and the placeholder that replaces it. */
    public enum PiiType {
        IBAN("<IBAN>"), CARD("<CARD>"), EMAIL("<EMAIL>"), PHONE("<PHONE>");

        private final String placeholder;

        PiiType(String placeholder) {
            this.placeholder = placeholder;
        }

        public String placeholder() {
            return placeholder;
        }
    }

    /** The scrubbed text and how many values of each type it held. */
    public record Scrubbed(String text, Map<PiiType, Integer> found) {
        public Scrubbed {
            found = Map.copyOf(found);
        }
    }

    // Candidates, confirmed by the validators: 2 letters + 2 check digits + 11..30 alphanumerics, spaces allowed in
    // groups; 12..19 digits with single spaces or dashes; the local@domain shape.
    private static final Pattern IBAN_CANDIDATE = Pattern.compile("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){11,30}\\b");
    private static final Pattern CARD_CANDIDATE = Pattern.compile("(?<![\\d-])\\d(?:[ -]?\\d){11,18}(?![\\d-])");
    private static final Pattern EMAIL_CANDIDATE =
            Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+");

    /** The fewest digits each kind can have: an IBAN's check digits, a 12-digit card, a short national number. */
    private static final int MIN_IBAN_DIGITS = 2;
    private static final int MIN_CARD_DIGITS = 12;
    private static final int MIN_PHONE_DIGITS = 5;

    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    private final String defaultRegion;
    private final CreditCardValidator cards = CreditCardValidator.genericCreditCardValidator();
    /**
     * The fewest digits a valid phone number written without a plus sign can have in {@link #defaultRegion}: a national
     * number of the region (its shortest valid length, e.g. 10 in the US, local-only lengths aside), or the region's
     * international call prefix followed by the shortest international number (e.g. 011 + 5 digits). Fewer digits and
     * no plus sign: the matcher (valid numbers only) cannot find one, and it is not run.
     */
    private final int minPhoneDigitsWithoutPlus;

    /** @param defaultRegion ISO 3166 region for numbers written without a country code, e.g. {@code US} */
    public PiiScrubber(String defaultRegion) {
        this.defaultRegion = defaultRegion;
        this.minPhoneDigitsWithoutPlus = minPhoneDigitsWithoutPlus(phones, defaultRegion);
    }

    static int minPhoneDigitsWithoutPlus(PhoneNumberUtil phones, String region) {
        if (!phones.getSupportedRegions().contains(region)) {
            return MIN_PHONE_DIGITS; // an unknown region: the general bound
        }
        int national = MIN_PHONE_DIGITS;
        for (int length = 1; length <= 17; length++) { // the shortest possible national number (local-only lengths aside)
            try {
                if (phones.isPossibleNumberWithReason(phones.parse("5".repeat(length), region))
                        == PhoneNumberUtil.ValidationResult.IS_POSSIBLE) {
                    national = length;
                    break;
                }
            } catch (com.google.i18n.phonenumbers.NumberParseException tooShortToParse) {
                // try longer
            }
        }
        // The region's international call prefix, as its callers dial a foreign number (011 from the US); none known
        // (a number written out of the region starts with +): 0.
        String foreign = phones.getCountryCodeForRegion(region) == 44 ? "+16502530000" : "+442079460958";
        int prefix = 0;
        try {
            String dialled = phones.formatOutOfCountryCallingNumber(phones.parse(foreign, "ZZ"), region);
            if (!dialled.startsWith("+")) {
                prefix = Math.max(0, (int) dialled.chars().filter(Character::isDigit).count() - (foreign.length() - 1));
            }
        } catch (com.google.i18n.phonenumbers.NumberParseException e) {
            prefix = 0;
        }
        return Math.max(MIN_PHONE_DIGITS, Math.min(national, prefix + MIN_PHONE_DIGITS));
    }

    /** A comparison whose prompt turns and answers are scrubbed, with the counts of all its texts together. */
    public record ScrubbedComparison(Comparison comparison, Map<PiiType, Integer> found) {
        public ScrubbedComparison {
            found = Map.copyOf(found);
        }
    }

    /** Scrubs the prompt (text or every turn) and every answer; ids, labels and rankings carry no free text. */
    public ScrubbedComparison scrub(Comparison c) {
        Map<PiiType, Integer> found = new EnumMap<>(PiiType.class);
        Comparison.Builder out = c.toBuilder();
        Prompt p = c.getPrompt();
        if (p.hasText()) {
            out.setPrompt(Prompt.newBuilder().setText(collect(scrub(p.getText()), found)));
        } else if (p.hasChat()) {
            Conversation.Builder chat = Conversation.newBuilder();
            for (ChatMessage m : p.getChat().getMessagesList()) {
                chat.addMessages(m.toBuilder().setContent(collect(scrub(m.getContent()), found)));
            }
            out.setPrompt(Prompt.newBuilder().setChat(chat));
        }
        for (int i = 0; i < c.getAnswersCount(); i++) {
            out.setAnswers(i, c.getAnswers(i).toBuilder().setText(collect(scrub(c.getAnswers(i).getText()), found)));
        }
        return new ScrubbedComparison(out.build(), found);
    }

    private static String collect(Scrubbed s, Map<PiiType, Integer> found) {
        s.found().forEach((type, n) -> found.merge(type, n, Integer::sum));
        return s.text();
    }

    public Scrubbed scrub(String text) {
        Map<PiiType, Integer> found = new EnumMap<>(PiiType.class);
        // Cheap counts first: most texts hold no '@' and few digits, and the matchers are what ingest spends its time on.
        int digits = 0; // ASCII: what the IBAN and card patterns read
        int anyDigits = 0; // any script's decimal digits: what the phone matcher reads
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (digit(c)) {
                digits++;
                anyDigits++;
            } else if (c > 0x7f && Character.isDigit(c)) {
                anyDigits++;
            }
        }
        String out = text;
        if (digits >= MIN_IBAN_DIGITS && mayHoldIban(text)) {
            out = replace(out, IBAN_CANDIDATE, PiiType.IBAN, s -> IBANValidator.getInstance().isValid(s.replace(" ", "")),
                    found);
        }
        if (digits >= MIN_CARD_DIGITS) {
            out = replace(out, CARD_CANDIDATE, PiiType.CARD, s -> cards.isValid(s.replaceAll("[ -]", "")), found);
        }
        if (out.indexOf('@') >= 0) {
            out = replace(out, EMAIL_CANDIDATE, PiiType.EMAIL, s -> EmailValidator.getInstance().isValid(s), found);
        }
        if (anyDigits >= MIN_PHONE_DIGITS && (anyDigits >= minPhoneDigitsWithoutPlus || hasPlus(text))) {
            out = phones(out, found);
        }
        return new Scrubbed(out, found);
    }

    /** Two capital letters followed by two digits somewhere: where every IBAN starts (the regex needs it too). */
    private static boolean mayHoldIban(String text) {
        for (int i = 0; i + 3 < text.length(); i++) {
            if (capital(text.charAt(i)) && capital(text.charAt(i + 1)) && digit(text.charAt(i + 2))
                    && digit(text.charAt(i + 3))) {
                return true;
            }
        }
        return false;
    }

    /** A plus sign, ASCII or full-width, as the matcher reads an international number's start. */
    private static boolean hasPlus(String text) {
        return text.indexOf('+') >= 0 || text.indexOf('\uFF0B') >= 0;
    }

    private static boolean capital(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String replace(String text, Pattern candidate, PiiType type,
            java.util.function.Predicate<String> confirmed, Map<PiiType, Integer> found) {
        Matcher m = candidate.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int count = 0;
        while (m.find()) {
            if (confirmed.test(m.group())) {
                m.appendReplacement(out, Matcher.quoteReplacement(type.placeholder()));
                count++;
            }
        }
        m.appendTail(out);
        if (count > 0) {
            found.merge(type, count, Integer::sum);
        }
        return out.toString();
    }

    private String phones(String text, Map<PiiType, Integer> found) {
        List<PhoneNumberMatch> matches = new ArrayList<>();
        phones.findNumbers(text, defaultRegion, PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE)
                .forEach(matches::add);
        if (matches.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        for (PhoneNumberMatch match : matches) {
            out.append(text, from, match.start()).append(PiiType.PHONE.placeholder());
            from = match.end();
        }
        out.append(text, from, text.length());
        found.merge(PiiType.PHONE, matches.size(), Integer::sum);
        return out.toString();
    }
}
