package org.linkway.outcome.ledger.api;

import static org.linkway.platform.streams.KeyOwners.KeyedRoute.get;
import static org.linkway.platform.streams.KeyOwners.KeyedRoute.getByParameter;
import static org.linkway.platform.streams.KeyOwners.KeyedRoute.post;

import org.linkway.outcome.ledger.stream.CommissionerFunding;
import org.linkway.outcome.ledger.stream.CommissionerLists;
import org.linkway.outcome.ledger.stream.FundingProcessor;
import org.linkway.platform.streams.KeyOwners.KeyedRoutes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where a commissioner's funding is read ({@code KeyOwners}): one referral's ledger entries
 * ({@code ?referralId=}) on the instance holding its funding; the commissioner's ledger pages,
 * summary, statements, reconciliation, breakdown and Time Credits on the instance holding the
 * commissioner's view ({@link CommissionerFunding}), so that they are complete whichever instance is asked;
 * and so are the commissioner's live streams of ledger entries and outcomes, whose first page on connecting is
 * read from the commissioner's lists (their live part is every instance's: {@code LedgerFeed}, {@code OutcomeFeed}).
 * The lists ({@link CommissionerLists}) are kept in the same task as the view, so its owner holds them too.
 */
@Configuration(proxyBeanMethods = false)
class LedgerRoutes {

  @Bean
  KeyedRoutes ledgerKeyedRoutes() {
    String view = CommissionerFunding.STORE;
    return KeyedRoutes.of(
        // first: a ledger request naming a referral is about that referral
        getByParameter("/commissioners/{code}/ledger", FundingProcessor.STORE, "referralId"),
        get("/commissioners/{code}/ledger", view, "code"),
        get("/commissioners/{code}/ledger/reconciliation", view, "code"),
        // the reconciliation runs, and its result is kept, on the instance holding the commissioner's view
        post("/commissioners/{code}/ledger/reconciliation", view, "code"),
        get("/commissioners/{code}/summary", view, "code"),
        get("/commissioners/{code}/summary/breakdown", view, "code"),
        get("/commissioners/{code}/statements", view, "code"),
        get("/commissioners/{code}/time-credits", view, "code"),
        get("/commissioners/{code}/ledger/stream", view, "code"),
        get("/commissioners/{code}/outcomes/stream", view, "code"));
  }
}
