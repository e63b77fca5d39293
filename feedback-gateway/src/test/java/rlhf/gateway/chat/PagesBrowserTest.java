package rlhf.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import rlhf.feedback.v1.AnswerLabel;
import rlhf.feedback.v1.Comparison;
import rlhf.gateway.ComparisonTopic;
import rlhf.kafka.KafkaTestResource;
import rlhf.wire.UserSplits;

/**
 * The chat and labeling pages in headless Chromium (Debian's chromium + chromedriver, driven by Selenium), keyboard
 * only: each choice made on a page must arrive on rlhf.comparisons as the right comparison. axe-core (npm, installed
 * by .ci/run) checks each page; screenshots go to target/screenshots/. Without chromedriver the tests are skipped,
 * unless RLHF_BROWSER_REQUIRED=1 (as in CI), where that is a failure.
 */
@QuarkusTest
@TestProfile(PagesBrowserTest.SingleLabeler.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PolicyStub.class)
class PagesBrowserTest {

    /** Each task to one labeler, so this class's tasks are its own. */
    public static class SingleLabeler implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rlhf.gateway.labeling.double-labeled-share", "0.0");
        }
    }

    private static final Path CHROMEDRIVER = Path.of(System.getProperty("rlhf.chromedriver", "/usr/bin/chromedriver"));
    private static final Path CHROMIUM = Path.of(System.getProperty("rlhf.chromium", "/usr/bin/chromium"));
    private static final Path AXE = Path.of("src/test/browser/node_modules/axe-core/axe.min.js");
    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static final Pattern STORED = Pattern.compile("stored \\(?(\\S+?)[,)]|Stored (\\S+) ");

    @TestHTTPResource("/")
    URL root;

    private static ChromeDriver driver;
    private static WebDriverWait wait;

    @BeforeAll
    static void browser() throws Exception {
        boolean required = "1".equals(System.getenv("RLHF_BROWSER_REQUIRED"));
        boolean present = Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM) && Files.exists(AXE);
        if (!present) {
            String missing = "needs " + CHROMIUM + ", " + CHROMEDRIVER + " (Debian: apt-get install chromium "
                    + "chromium-driver) and " + AXE + " (npm ci --prefix feedback-gateway/src/test/browser)";
            assertThat(required).as("RLHF_BROWSER_REQUIRED=1 but the browser test " + missing).isFalse();
            Assumptions.abort("browser tests skipped: " + missing);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1700",
                "--user-data-dir=" + Files.createTempDirectory("rlhf-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void close() {
        if (driver != null) {
            driver.quit();
        }
    }

    /** Types into whatever has the focus: the keyboard, never the mouse. */
    private static void keys(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    /** Ctrl + key, the modifier held down while the key is pressed. */
    private static void ctrl(CharSequence key) {
        new Actions(driver).keyDown(Keys.CONTROL).sendKeys(key).keyUp(Keys.CONTROL).perform();
    }

    /** Replaces a field's text by typing (select all, then the new text). */
    private static void retype(String id, String text) {
        focus(id);
        ctrl("a");
        keys(text);
    }

    private static void focus(String id) {
        ((JavascriptExecutor) driver).executeScript("document.getElementById(arguments[0]).focus()", id);
    }

    private static String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    private static void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name), driver.getScreenshotAs(OutputType.BYTES));
    }

    /** axe-core's WCAG 2 A/AA violations of the page as it is now. */
    private static List<String> accessibilityViolations() throws Exception {
        JavascriptExecutor js = driver;
        js.executeScript(Files.readString(AXE));
        @SuppressWarnings("unchecked")
        List<String> violations = (List<String>) js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
                + ".then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' (' + v.nodes.length + ')')))"
                + ".catch(e => done(['axe failed: ' + e]));");
        return violations;
    }

    /** Waits for the page; a timeout says what the page shows (status and error lines) and leaves a screenshot. */
    private static void await(String what, java.util.function.Function<org.openqa.selenium.WebDriver, Boolean> done)
            throws Exception {
        try {
            wait.until(done::apply);
        } catch (org.openqa.selenium.TimeoutException e) {
            screenshot("failed-" + what.replaceAll("\\W+", "-") + ".png");
            throw new AssertionError("page did not reach: " + what + "; status '" + text("status") + "', error '"
                    + text("error") + "'", e);
        }
    }

    private static String storedId(String status) {
        Matcher m = STORED.matcher(status);
        assertThat(m.find()).as("a stored comparison id in '%s'", status).isTrue();
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    @Test
    void chatStreamsAnAnswerThenTheUserPrefersBOverAWithTheKeyboard() throws Exception {
        driver.get(root + "chat/");
        retype("key", ChatAndLabelingTest.FRONTEND); // the key field (this tab may hold another page's key)
        keys(Keys.TAB);
        retype("user", "user-browser-1");
        keys(Keys.TAB);
        focus("message");
        keys("What is 5 plus 7?", Keys.ENTER);
        await("a streamed answer", d -> d.findElements(By.cssSelector(".turn.assistant[data-model]")).size() == 1);
        var answer = driver.findElement(By.cssSelector(".turn.assistant"));
        assertThat(answer.findElement(By.className("body")).getText()).isEqualTo(PolicyStub.text(0).trim());
        assertThat(Integer.parseInt(answer.getDomAttribute("data-tokens"))).as("tokens arrived one by one")
                .isGreaterThan(2);
        assertThat(answer.getDomAttribute("data-model")).isEqualTo("policy v7");

        focus("compare");
        keys(Keys.SPACE); // two answers from now on
        focus("message");
        keys("What is 9 plus 3?", Keys.ENTER);
        await("two answers", d -> text("status").startsWith("Two answers"));
        assertThat(text("answer-0")).contains(PolicyStub.text(0).trim()).contains("policy v7");
        assertThat(text("answer-1")).contains(PolicyStub.text(1).trim());
        // The focus is on "A is better": the arrow picks B, Tab reaches the two Likert menus, then the button.
        keys(Keys.ARROW_RIGHT, Keys.TAB, "4", Keys.TAB, "6");
        screenshot("chat-two-answers.png");
        assertThat(accessibilityViolations()).as("axe-core on the chat page").isEmpty();
        keys(Keys.TAB, Keys.TAB, Keys.ENTER); // past the closed "labels" summary, to "Send preference"
        await("preference stored", d -> text("status").startsWith("Thank you"));
        assertThat(text("error")).isEmpty();

        Comparison c = ComparisonTopic.lastOrNull(storedId(text("status")));
        assertThat(c).isNotNull();
        assertThat(c.getSource()).isEqualTo("chat");
        assertThat(c.getUserId()).isEqualTo("user-browser-1");
        assertThat(c.getRankingList()).containsExactly(ChatAndLabelingTest.tier(1), ChatAndLabelingTest.tier(0));
        assertThat(c.getAnswers(0).getLikert()).isEqualTo(4);
        assertThat(c.getAnswers(1).getLikert()).isEqualTo(6);
        assertThat(c.getAnswersList()).allSatisfy(a -> assertThat(a.getModel()).isEqualTo(PolicyStub.MODEL));
        assertThat(c.getSplit()).isEqualTo(UserSplits.splitOf("user-browser-1", 0.1, 0.1));
        // The conversation so far, then the question both answers replied to
        assertThat(c.getPrompt().getChat().getMessagesCount()).isEqualTo(3);
    }

    @Test
    void aLabelerRanksFiveAnswersWithATieWithoutTheMouse() throws Exception {
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + ChatAndLabelingTest.ADMIN)
                .contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("prompts", List.of(Map.of("userId", "user-browser-2", "text", "What is 5 plus 7?"))))
                .post("/v1/labeling/prompts").then().statusCode(202);
        driver.get(root + "label/");
        retype("key", "test-labeler-key-00000000003");
        keys(Keys.TAB, Keys.ENTER); // on to "Get next task"
        await("a task of five answers", d -> d.findElements(By.className("card")).size() == 5);
        // A > B > C = D > E: a letter picks the answer, a number its tier; C and D share tier 3.
        keys("a1b2c3d3e4");
        assertThat(text("ranking")).isEqualTo("A > B > C = D > E");
        // Likert 7 for A; Likert 3 and the label "over refusal" for C (the refusal); Esc returns to the answer.
        keys("a", Keys.TAB, "7", Keys.ESCAPE, "c", Keys.TAB, "3", Keys.TAB, Keys.TAB, Keys.TAB, Keys.SPACE, Keys.ESCAPE);
        assertThat(driver.findElement(By.id("body-4")).getDomAttribute("class")).as("a long answer is collapsed")
                .contains("collapsed");
        screenshot("labeling-ranked-with-tie.png");
        assertThat(accessibilityViolations()).as("axe-core on the labeling page").isEmpty();
        ctrl(Keys.ENTER);
        await("ranking stored", d -> text("status").startsWith("Stored"));
        assertThat(text("error")).isEmpty();

        Comparison c = ComparisonTopic.lastOrNull(storedId(text("status")));
        assertThat(c).isNotNull();
        assertThat(c.getSource()).isEqualTo("labeling-page");
        assertThat(c.getLabelerId()).isEqualTo("labeler-3");
        assertThat(c.getRankingList()).containsExactly(ChatAndLabelingTest.tier(0), ChatAndLabelingTest.tier(1),
                ChatAndLabelingTest.tier(2, 3), ChatAndLabelingTest.tier(4));
        assertThat(c.getAnswers(0).getLikert()).isEqualTo(7);
        assertThat(c.getAnswers(2).getLikert()).isEqualTo(3);
        assertThat(c.getAnswers(2).getLabelsList()).containsExactly(AnswerLabel.ANSWER_LABEL_OVER_REFUSAL);
        assertThat(c.getAnswers(1).getLikert()).isZero();
        assertThat(c.getAnswersList()).allSatisfy(a -> assertThat(a.getModel()).isEqualTo(PolicyStub.MODEL));
        assertThat(c.getSplit()).isEqualTo(UserSplits.splitOf("user-browser-2", 0.1, 0.1));
    }
}
