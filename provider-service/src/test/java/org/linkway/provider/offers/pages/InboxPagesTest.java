package org.linkway.provider.offers.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.linkway.platform.pages.TestTemplates;
import org.linkway.platform.pages.Templates;
import org.linkway.provider.offers.api.OfferService;
import org.springframework.util.LinkedMultiValueMap;

/**
 * The inbox's lists a page at a time: a list with more links to its next page, the cursor in its own parameter and
 * back at the list's heading; one at its end links nowhere; a later page links back to the newest.
 */
class InboxPagesTest {

  private static final String CURSOR = "0000001796556000000|5dbfd835-2d29-4cc8-8a98-d47abbd7c3ac";

  private final Templates templates = TestTemplates.onClassPath();

  @Test
  void givenACursor_whenLinked_thenTheInboxWithItInTheListsOwnParameterAtTheListsHeading() {
    assertThat(InboxPages.pageLink("after", CURSOR, "finished-heading"))
        .isEqualTo("/app/inbox?after=0000001796556000000%7C5dbfd835-2d29-4cc8-8a98-d47abbd7c3ac#finished-heading");
    assertThat(InboxPages.pageLink("offers-after", CURSOR, "offers-heading")).startsWith("/app/inbox?offers-after=");
    assertThat(InboxPages.pageLink("working-after", null, "working-heading")).isNull();
  }

  @Test
  void givenListsWithMore_whenTheInboxIsRendered_thenEachLinksToItsNextPage() {
    String more = InboxPages.pageLink("offers-after", CURSOR, "offers-heading");
    String working = InboxPages.pageLink("working-after", CURSOR, "working-heading");
    String older = InboxPages.pageLink("after", CURSOR, "finished-heading");

    // a list with a next page has a page before it: one declined referral shown
    String html = render(List.of(InboxPages.card(new OfferService.OfferView(UUID.fromString(CURSOR.substring(20)), "DECLINED",
        "rejected", "prov-1", "svc-1", 1, Instant.parse("2026-12-01T10:00:00Z"), List.of(), List.of(), null, 0, null, null, 0,
        List.of(), "COMMUNITY", List.of()))), more, working, older, true);

    assertThat(html).contains("id=\"more-offers\" href=\"" + more.replace("&", "&amp;") + "\" rel=\"next\"")
        .contains("id=\"more-working\" href=\"" + working + "\"")
        .contains("id=\"older-finished\" href=\"" + older + "\"")
        .contains("id=\"newest\" href=\"/app/inbox\"");
  }

  @Test
  void givenListsAtTheirEnd_whenTheFirstPageIsRendered_thenNoListLinksFurther() {
    assertThat(render(List.of(), null, null, null, false)).doesNotContain("more-offers", "more-working", "older-finished", "id=\"newest\"");
  }

  @Test
  void givenAnOfferArchived_whenItsPageIsRendered_thenItSaysItEndedAndWasArchivedAndLinksBackToTheInbox() {
    String html = templates.whole(InboxPages.ARCHIVED, new InboxPages.Archived("the offer of referral r-1 ended (COMPLETED) "
        + "on 2026-03-02 and was archived 90 days later, on 2026-05-31: its history is on the provider-events log"));

    assertThat(html).contains("<h1>Referral archived</h1>")
        .contains("The offer of referral r-1 ended (COMPLETED) on 2026-03-02 and was archived 90 days later")
        .contains("href=\"/app/inbox\"");
  }

  private String render(List<InboxPages.Card> finished, String moreOffers, String moreWorking, String olderFinished,
      boolean paged) {
    return templates.fragment(InboxPages.INBOX, "main", new InboxPages.Inbox(List.of(), List.of(), finished, null,
        InboxPages.DECLINE_REASONS, Map.of(), new LinkedMultiValueMap<>(), moreOffers, moreWorking, olderFinished, paged));
  }
}
