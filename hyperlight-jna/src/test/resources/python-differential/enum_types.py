import enum
class Color(enum.Enum):
    RED = 1
    GREEN = 2
    BLUE = 3
class Perm(enum.IntFlag):
    R = 4
    W = 2
    X = 1
class Status(enum.StrEnum):
    OK = enum.auto()
    FAILED = enum.auto()
print(Color.RED, repr(Color.GREEN), Color(3), Color["BLUE"], list(Color), Color.RED.name, Color.RED.value, len(Color))
print(Perm.R | Perm.W, repr(Perm.R | Perm.X), Perm(7), Perm.R in Perm(6), int(Perm.W), list(Perm(7)))
print(Status.OK, repr(Status.FAILED), Status.OK == "ok", Status("failed"))
@enum.unique
class Shape(enum.Enum):
    SQUARE = 2
    CIRCLE = 3
print(Shape.SQUARE.name, Shape(3))
try:
    Color(9)
except ValueError as e:
    print("ValueError:", e)
class Planet(enum.Enum):
    EARTH = (5.97e24, 6.37e6)
    def __init__(self, mass, radius): self.mass, self.radius = mass, radius
print(Planet.EARTH.mass, Planet.EARTH.value)
print(enum.Enum("Animal", "CAT DOG").DOG, [m.name for m in enum.IntEnum("N", ["A", "B"])])
