import { temporal as proto } from '@temporalio/proto';
import { countEvents, workPerUnit } from '../../bench/work-count';

const EventType = proto.api.enums.v1.EventType;
const events = (...types: proto.api.enums.v1.EventType[]) => types.map((eventType) => ({ eventType }));

describe('bench work count', () => {
  it('counts events, completed workflow tasks and scheduled activities of a history', () => {
    const history = events(
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
      EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED,
      EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
    );
    expect(countEvents(history)).toEqual({ events: 11, workflowTasks: 2, activities: 1 });
  });

  it("shares the parent's work among the instances and averages over tenants", () => {
    const tenant = (parentEvents: number) => ({
      instances: 4,
      parent: { events: parentEvents, workflowTasks: 10, activities: 6 },
      children: { events: 60, workflowTasks: 12, activities: 4 },
    });
    expect(workPerUnit([tenant(40), tenant(60)])).toEqual({
      tenants: 2,
      perTenant: { events: 110, workflowTasks: 22, activities: 10 },
      perInstance: { events: 27.5, workflowTasks: 5.5, activities: 2.5 },
    });
  });
});
