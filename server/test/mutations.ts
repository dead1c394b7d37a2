import { randomUUID } from 'node:crypto';
import type { CommandName } from '../../shared/sync/commands';
import type { Mutation, PushRequest } from '../../shared/sync/protocol';

/** A client's outbox: ids and strictly increasing clientSeq, as the desktop generates them. */
export class Outbox {
  readonly clientId = randomUUID();
  private seq = 0;

  mutation(name: CommandName, args: unknown): Mutation {
    return { id: randomUUID(), clientSeq: ++this.seq, name, args, createdAt: new Date().toISOString() };
  }

  request(...mutations: Mutation[]): PushRequest {
    return { protocol: 1, clientId: this.clientId, mutations };
  }
}
