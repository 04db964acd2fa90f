/** One hand-over of one message to a gateway; `attemptId` is new each time, `messageId` never changes. */
export interface OutgoingSms {
  messageId: string;
  attemptId: string;
  to: string;
  body: string;
}

export type SendResult =
  | { ok: true; providerId: string }
  | { ok: false; temporary: boolean; reason: string };

/** A channel that takes messages: the simulator, a generic HTTP API, a provider's API. */
export interface Gateway {
  readonly name: string;
  /** Hands a batch over; one result per message, in order. Throws only when the whole batch failed to go out. */
  send(batch: OutgoingSms[]): Promise<SendResult[]>;
}

export interface Receipt {
  gateway: string;
  /** the provider's id, or our message id when the provider echoes it */
  ref: string;
  /** the provider's id of the message, by which a receipt is taken once (Twilio's MessageSid); default: ref */
  providerMessageId?: string;
  status: 'delivered' | 'failed';
  reason?: string;
}

/** Runs `fn` over the items with at most `n` at a time; results in the items' order. */
export async function mapConcurrent<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}
