package org.linkway.provider.offers.stream;

import org.linkway.platform.streams.Feed;
import org.linkway.state.OfferState;
import org.springframework.stereotype.Component;

/** New offers as the stream processor records them, for the providers' SSE streams. */
@Component
public class OfferFeed extends Feed<OfferState> {}
