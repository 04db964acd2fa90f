import { api } from '../../shared/api';

export interface InboxItem {
  kind: 'in' | 'out';
  id: string;
  body: string;
  at: string;
}

export const notifyApi = {
  phones: () => api.get<{ phone: string; messages: number; last: string }[]>('/notify/simulator/phones'),
  inbox: (phone: string) => api.get<InboxItem[]>(`/notify/simulator/inbox/${phone}`),
  reply: (phone: string, body: string) => api.post<{ messageId: string | null }>(`/notify/simulator/inbox/${phone}/reply`, { body }),
};
