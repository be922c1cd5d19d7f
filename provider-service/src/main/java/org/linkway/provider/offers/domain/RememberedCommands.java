package org.linkway.provider.offers.domain;

import java.util.ArrayList;
import java.util.List;
import org.linkway.commands.ProviderCommand;
import org.linkway.state.OfferState;
import org.linkway.state.RememberedCommand;

/**
 * The provider commands sent with an Idempotency-Key that an offer's decider answered, kept in the offer's own
 * state: a resend (the same command id, derived from the provider, the referral and the key) is recognised in the
 * same transaction as any decision on the referral, by whichever instance owns it, and answered as the first was,
 * with nothing decided again. Only the last {@value #KEPT} are kept per referral: a provider resends a command it
 * did not hear the answer to, soon, not one from twenty commands ago.
 */
public final class RememberedCommands {

  public static final int KEPT = 20;

  /** What a keyed command is to the offer. */
  public enum Seen {
    /** Not seen (or long forgotten): decide it. */
    FIRST,
    /** A resend of a command answered: answer it the same (its refusal, or the offer as it is now). */
    RESENT,
    /** A resend of an acceptance the budget is still deciding on: its answer comes with the budget's. */
    AWAITING_BUDGET,
    /** The key was used for another request: refuse it and decide nothing. */
    KEY_REUSED
  }

  /** How the decider sees a keyed command, and the first answer's refusal when it is a resend. */
  public record Recall(Seen seen, String refusal) {}

  private RememberedCommands() {}

  /** Whether this keyed command was seen before, and how it was answered. */
  public static Recall recall(OfferState state, ProviderCommand command) {
    String id = command.getMetadata().getEventId().toString();
    for (RememberedCommand first : state.getRememberedCommands()) {
      if (!first.getCommandId().equals(id)) continue;
      if (!first.getRequestDigest().equals(command.getRequestDigest())) return new Recall(Seen.KEY_REUSED, null);
      ProviderCommand pending = state.getPendingAccept();
      if (first.getRefusal() == null && pending != null && pending.getMetadata().getEventId().toString().equals(id)) {
        return new Recall(Seen.AWAITING_BUDGET, null);
      }
      return new Recall(Seen.RESENT, first.getRefusal());
    }
    return new Recall(Seen.FIRST, null);
  }

  /** The state with this keyed command remembered as answered (refused with {@code refusal}, or applied when null); the oldest goes past {@value #KEPT}. */
  public static OfferState remember(OfferState state, ProviderCommand command, String refusal) {
    List<RememberedCommand> kept = new ArrayList<>(state.getRememberedCommands());
    kept.add(new RememberedCommand(command.getMetadata().getEventId().toString(), command.getRequestDigest(), refusal));
    while (kept.size() > KEPT) kept.remove(0);
    return OfferState.newBuilder(state).setRememberedCommands(kept).build();
  }

  /** The budget refused (or came too late for) a keyed acceptance: a resend of it is told the same. */
  static OfferState refused(OfferState state, String commandId, String refusal) {
    List<RememberedCommand> kept = new ArrayList<>(state.getRememberedCommands());
    kept.replaceAll(first -> first.getCommandId().equals(commandId) && first.getRefusal() == null
        ? new RememberedCommand(first.getCommandId(), first.getRequestDigest(), refusal) : first);
    return kept.equals(state.getRememberedCommands()) ? state : OfferState.newBuilder(state).setRememberedCommands(kept).build();
  }
}
