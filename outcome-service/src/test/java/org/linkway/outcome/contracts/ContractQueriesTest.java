package org.linkway.outcome.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linkway.events.ContractAgreed;
import org.linkway.outcome.budgets.BudgetRulesTest;
import org.linkway.platform.testing.ReferenceTables;

/**
 * A commissioner's list of its contracts ({@link ContractQueries#contracts}): its own, by id, read by the contracts'
 * index by commissioner and never the whole table (which here fails if read whole; the index itself is checked exact
 * against the whole table in platform's {@code TableIndexTest}).
 */
class ContractQueriesTest {

  private final Map<String, ContractAgreed> table = new HashMap<>();
  private final ContractQueries queries = new ContractQueries(ReferenceTables.readByKeyOnly(table));

  @Test
  void givenContractsOfTwoCommissioners_whenOneListsItsContracts_thenItGetsItsOwnByIdAndNoOneElses() {
    agree("QMM", "qmm-walks-2026", "p1");
    agree("QOC", "qoc-walks-2026", "p1");
    agree("QMM", "qmm-arts-2026", "p2");
    agree("QMM", "qmm-choir-2026", "p1");

    assertThat(queries.contracts("QMM")).extracting(ContractQueries.ContractView::contractId)
        .containsExactly("qmm-arts-2026", "qmm-choir-2026", "qmm-walks-2026");
    assertThat(queries.contracts("QOC")).extracting(ContractQueries.ContractView::contractId).containsExactly("qoc-walks-2026");
    assertThat(queries.contracts("QUE")).isEmpty();
  }

  private void agree(String commissioner, String contractId, String providerId) {
    table.put(contractId, BudgetRulesTest.contract().setCommissioner(commissioner).setContractId(contractId)
        .setProviderId(providerId).build());
  }
}
