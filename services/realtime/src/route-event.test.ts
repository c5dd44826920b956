import { create, NotificationSchema, NotificationSeverity, rooms, SERVER_EVENTS } from '@vibetribe/proto';
import { routeEvent } from './relay';

const notification = (userIds: string[]) =>
  create(NotificationSchema, {
    notificationId: 'n1',
    organizationId: 'o1',
    kind: 'account_disconnected',
    severity: NotificationSeverity.WARNING,
    text: 'X was disconnected',
    userIds,
    postIds: ['p1'],
    accountId: 'a1',
  });

describe('routeEvent: notifications', () => {
  test("go to each recipient's user room as `notification`, with the ids they concern", () => {
    const delivery = routeEvent(
      {
        subject: 'vt.o1.notification.created',
        orgId: 'o1',
        domain: 'notification',
        event: 'created',
        message: notification(['u1', 'u2']),
      },
      'rt-1',
    );
    expect(delivery).toMatchObject({
      name: SERVER_EVENTS.notification,
      rooms: [rooms.user('u1'), rooms.user('u2')],
      payload: { kind: 'account_disconnected', severity: 'NOTIFICATION_SEVERITY_WARNING', postIds: ['p1'] },
    });
  });

  test('one with no recipient, or naming another organization, reaches nobody', () => {
    const event = {
      subject: 'vt.o1.notification.created',
      orgId: 'o1',
      domain: 'notification',
      event: 'created',
    } as const;
    expect(routeEvent({ ...event, message: notification([]) }, 'rt-1')).toBeUndefined();
    expect(routeEvent({ ...event, orgId: 'o2', message: notification(['u1']) }, 'rt-1')).toBeUndefined();
  });
});
