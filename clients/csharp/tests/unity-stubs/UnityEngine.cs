// Declarations of the few UnityEngine members the Unity-only files use, with Unity's
// signatures, so the build type-checks those files (#if UNITY_5_3_OR_NEWER / UNITY_EDITOR)
// without Unity. Nothing here runs; it proves names and signatures, not Unity's behaviour.
using System;

namespace UnityEngine
{
    public class Object
    {
        public string name { get; set; }
        public HideFlags hideFlags { get; set; }
        public static void DontDestroyOnLoad(Object target) { }
    }

    [Flags]
    public enum HideFlags { None = 0, HideAndDontSave = 61 }

    public class Component : Object
    {
        public GameObject gameObject { get { return null; } }
    }

    public class Behaviour : Component { }
    public class MonoBehaviour : Behaviour { }

    public sealed class GameObject : Object
    {
        public GameObject(string name) { }
        public SceneManagement.Scene scene { get { return default(SceneManagement.Scene); } }
        public T AddComponent<T>() where T : Component { return null; }
    }

    [AttributeUsage(AttributeTargets.Class)]
    public sealed class DisallowMultipleComponent : Attribute { }

    public static class Application
    {
        public static bool isPlaying { get { return false; } }
        public static string dataPath { get { return ""; } }
        public static string unityVersion { get { return ""; } }
    }

    public static class Debug
    {
        public static void Log(object message) { }
        public static void LogWarning(object message) { }
        public static void LogError(object message) { }
        public static void LogException(Exception exception) { }
    }
}

namespace UnityEngine.SceneManagement
{
    public struct Scene
    {
        public string name { get { return ""; } }
    }
}
