// The live event stream (GET /api/v1/stream, server-sent events; the session cookie
// authenticates it). One EventSource per page that needs it; the browser reconnects on its
// own with Last-Event-ID. If the stream cannot be opened at all (an HTTP error), `onDown` is
// called and a new attempt is made later.

export interface Envelope {
  seq?: number;
  type?: string;
  aggregate_id?: string;
  occurred_at?: string;
  data?: unknown;
}

export interface Stream {
  close(): void;
}

export function openStream(
  types: string[],
  onEvent: (type: string, env: Envelope) => void,
  onState: (live: boolean) => void,
  retryMs = 15_000,
): Stream {
  let es: EventSource | null = null;
  let timer: number | undefined;
  let closed = false;

  const connect = () => {
    if (closed) return;
    es = new EventSource('/api/v1/stream');
    es.onopen = () => onState(true);
    es.onerror = () => {
      if (!es || es.readyState !== EventSource.CLOSED) {
        onState(false); // reconnecting by itself
        return;
      }
      onState(false);
      es = null;
      timer = window.setTimeout(connect, retryMs);
    };
    for (const t of types) {
      es.addEventListener(t, (ev) => {
        let env: Envelope = {};
        try {
          env = JSON.parse((ev as MessageEvent<string>).data) as Envelope;
        } catch {
          return;
        }
        onEvent(t, env);
      });
    }
  };
  connect();
  return {
    close() {
      closed = true;
      if (timer !== undefined) window.clearTimeout(timer);
      es?.close();
      es = null;
    },
  };
}
