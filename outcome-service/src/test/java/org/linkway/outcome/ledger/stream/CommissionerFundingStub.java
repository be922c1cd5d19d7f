package org.linkway.outcome.ledger.stream;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.when;

import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.state.FundingState;

/**
 * Has a mocked {@link StoreQueries} answer reads of the {@link CommissionerFunding} view from a
 * collection of funding states, as the view would hold them: by the commissioner's prefix, read
 * when asked (states added later are seen).
 */
public final class CommissionerFundingStub {

  private CommissionerFundingStub() {}

  public static void answerFrom(StoreQueries stores, Collection<FundingState> states) {
    when(stores.withPrefix(eq(CommissionerFunding.STORE), anyString(), anyString()))
        .thenAnswer(call -> withPrefix(states, call.getArgument(1), call.getArgument(2)));
    doAnswer(call -> {
      Consumer<FundingState> action = call.getArgument(3);
      withPrefix(states, call.getArgument(1), call.getArgument(2)).forEach(action);
      return null;
    }).when(stores).forEachWithPrefix(eq(CommissionerFunding.STORE), anyString(), anyString(), any());
  }

  /** The states of the commissioner of {@code prefix}, read in the partition of the commissioner's key alone. */
  private static List<FundingState> withPrefix(Collection<FundingState> states, String partitionKey, String prefix) {
    if (!prefix.equals(partitionKey + "|")) {
      throw new AssertionError("the view of " + prefix + " is read in the partition of " + partitionKey);
    }
    return states.stream().filter(s -> s.getCommissioner() != null && prefix.equals(s.getCommissioner() + "|"))
        .sorted(java.util.Comparator.comparing(s -> s.getReferralId().toString())).toList();
  }
}
