"""Migration operations of our own: several models created with one re-render of the state.

Once ``migrate`` has rendered the migration state's models (it does before the first
migration it applies), every ``CreateModel`` re-renders the new model and, recursively, every
model related to it. Here almost every model is: the history models point at the user model,
and so do owners, reviewers and uploaders. So each ``CreateModel`` re-rendered most of the
project's models, and the squashed migrations create 3 to 20 models each: that rendering was
most of a fresh ``migrate``'s time (the embedded start, ``scripts/start.sh``, is timed).
``CreateModels`` adds its models to the state and re-renders what they touch once. Its tables
are created by the ``CreateModel`` operations it holds, in their order.
"""

from typing import Any

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation, OperationCategory
from django.db.migrations.operations.models import CreateModel
from django.db.migrations.state import ProjectState


class CreateModels(Operation):
    """The given ``CreateModel`` operations, in their order, as one operation (see the module).

    The state after it is the state after the same ``CreateModel`` operations one by one; the
    database work is theirs, unchanged. Like any operation that is not Django's own, it is a
    barrier to the migration optimizer (a later squash keeps it as it is).
    """

    category = OperationCategory.ADDITION
    serialization_expand_args = ["operations"]

    def __init__(self, operations: list[CreateModel]) -> None:
        if not all(isinstance(operation, CreateModel) for operation in operations):
            raise TypeError("CreateModels holds CreateModel operations only.")
        self.operations = operations

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [self.operations], {})

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        # ProjectState re-renders on add_model only when its models are rendered ("apps" is a
        # cached property): hide them while the models are added, then re-render once what
        # one CreateModel after another would have (the new models and everything related).
        rendered = state.__dict__.pop("apps", None)
        try:
            for operation in self.operations:
                operation.state_forwards(app_label, state)
        finally:
            if rendered is not None:
                state.__dict__["apps"] = rendered
        if rendered is not None:
            state.reload_models([(app_label, operation.name_lower) for operation in self.operations], delay=False)

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        for operation in self.operations:
            operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        for operation in reversed(self.operations):
            operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return "Create models " + ", ".join(operation.name for operation in self.operations)

    @property
    def migration_name_fragment(self) -> str:
        return "initial"

    def references_model(self, name: str, app_label: str) -> bool:
        return any(operation.references_model(name, app_label) for operation in self.operations)
