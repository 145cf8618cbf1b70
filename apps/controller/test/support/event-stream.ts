// A minimal Server-Sent Events client over fetch, for tests: parses events and comments as they arrive.

export interface ReceivedEvent {
  event: string;
  data: string;
  id?: string;
}

export interface EventStream {
  status: number;
  headers: Headers;
  /** Comment lines received so far (heartbeats), without the leading colon. */
  comments: string[];
  /** The next event, or undefined once the server has closed the stream. */
  next(timeoutMs?: number): Promise<ReceivedEvent | undefined>;
  /** Events until the stream closes. */
  rest(timeoutMs?: number): Promise<ReceivedEvent[]>;
  /** Hangs up, as a browser tab that closes would. */
  close(): void;
}

export async function openEventStream(
  url: string,
  options: { token: string; lastEventId?: string },
): Promise<EventStream> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: {
      authorization: `Bearer ${options.token}`,
      accept: 'text/event-stream',
      ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}),
    },
    signal: abort.signal,
  });
  const comments: string[] = [];
  const queue: ReceivedEvent[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: ReceivedEvent = { event: 'message', data: '' };
          let isEvent = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) [isEvent, event.event] = [true, line.slice(7)];
            else if (line.startsWith('data: ')) [isEvent, event.data] = [true, line.slice(6)];
            else if (line.startsWith('id: ')) event.id = line.slice(4);
          }
          if (isEvent) queue.push(event);
          end = buffer.indexOf('\n\n');
        }
        wake?.();
      }
    } catch {
      // aborted by close(): the stream simply ends
    } finally {
      closed = true;
      wake?.();
    }
  })();

  const next = async (timeoutMs = 10_000): Promise<ReceivedEvent | undefined> => {
    const deadline = Date.now() + timeoutMs;
    while (queue.length === 0 && !closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, Math.min(left, 100));
      });
    }
    return queue.shift();
  };
  return {
    status: response.status,
    headers: response.headers,
    comments,
    next,
    rest: async (timeoutMs = 10_000) => {
      const events: ReceivedEvent[] = [];
      for (let event = await next(timeoutMs); event; event = await next(timeoutMs)) events.push(event);
      return events;
    },
    close: () => abort.abort(),
  };
}
