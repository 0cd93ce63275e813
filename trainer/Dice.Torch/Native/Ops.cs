namespace Dice.Torch.Native;

// Operation codes of dt_unary / dt_binary / dt_reduce; the numbers match the enums in dice_torch.cpp.

internal enum UnaryOp
{
    Neg = 0, Exp, Log, Sqrt, Rsqrt, Abs, Sigmoid, Tanh, Relu, Silu,
    Gelu, GeluTanh, Sin, Cos, Square, Reciprocal, Erf, LogicalNot, Floor, Sign,
}

internal enum BinaryOp
{
    Add = 0, Sub, Mul, Div, Pow, Maximum, Minimum, Eq, Ne, Lt, Le, Gt, Ge, LogicalAnd, LogicalOr,
}

internal enum ReduceOp
{
    Sum = 0, Mean, Amax, Amin,
}
